# Thaw: a containerd snapshotter for lazy image pulls.
#
#   make build   package the jars (tests skipped)
#   make test    install the Debian packages, then unit and integration tests of every module
#   make demo    a local registry, a demo image converted, verified and inspected
#   make bench   bench/cold-start: time to READY, bytes fetched and RSS of realistic images, full
#                pull with overlayfs against thaw (QUICK=1: one iteration, 256 MiB of weights;
#                SHAPE=1gbit: loopback shaped in a network namespace)
#   make bench-convert  bench/convert: thaw-indexer against ctr-remote on a >= 1 GiB image
#   make bench-fuse     bench/fuse: lazy FUSE read throughput of one layer
#
# Everything installs what it needs (scripts/install-deps.sh) and is safe to run again.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c

export JAVA_HOME := /usr/lib/jvm/temurin-25-jdk-amd64
export PATH := $(JAVA_HOME)/bin:$(PATH)
MVN ?= mvn -B
MVN_FLAGS ?=

.PHONY: all deps build test unit-test demo bench bench-convert bench-fuse clean

all: build

deps:
	scripts/install-deps.sh >/dev/null

build: deps
	$(MVN) $(MVN_FLAGS) -DskipTests package

test: deps
	$(MVN) $(MVN_FLAGS) verify

# Unit tests only (no registry, containerd or FUSE), for a quick check.
unit-test: deps
	$(MVN) $(MVN_FLAGS) verify -DskipITs

demo: build
	scripts/demo.sh

bench: build
	bench/cold-start/run.sh

bench-convert: build
	bench/convert/run.sh

bench-fuse: build
	bench/fuse/run.sh

clean:
	$(MVN) $(MVN_FLAGS) -q clean
