#!/bin/sh
# bench/fuse: reads through a lazily mounted layer from a local registry and prints a table:
# cold sequential read of a 1 GiB incompressible file next to curl of the same blob, warm
# sequential read, random 4 KiB read latency p50/p99, find+stat over a 50k-file tree vs local disk.
# Needs root, /dev/fuse, libfuse2, docker-registry, curl. Usage: bench/fuse/run.sh [MiB] [files]
set -eu
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
# In one reactor run, so sibling modules resolve to their target/classes (never `mvn install`).
mvn -B -q -pl snapshotter -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-fuse.cp -Dmdep.includeScope=test
cp="snapshotter/target/test-classes:snapshotter/target/classes:$(cat snapshotter/target/bench-fuse.cp)"
# The daemon's JVM flags, with room for building the test layer; BENCH_JAVA_OPTS adds more.
exec "$JAVA_HOME/bin/java" @bin/thaw-snapshotter.jvm-options -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$cp" \
  dev.thaw.snapshotter.remote.FuseBench "${1:-1024}" "${2:-50000}"
