#!/usr/bin/env bash
# make demo: a private registry under a temp dir, a demo image (Debian minbase + 64 MiB of model
# weights) converted to eStargz with thaw-indexer, verified, inspected, and run unchanged on a plain
# containerd with overlayfs. Everything it starts is stopped and removed at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/daemons.sh"
cd "$THAW_ROOT"
[[ $(id -u) -eq 0 ]] || fail "make demo needs root (debootstrap, containerd)"

WEIGHTS=$((64 * 1024 * 1024))
daemons_init

say "starting a private registry"
start_registry
echo "registry at $REGISTRY (storage under $WORK)"

say "building the demo image (Debian bookworm minbase + $(human $WEIGHTS) of weights; cached in $THAW_CACHE)"
rootfs=$(test-images/recipes/debootstrap-rootfs.sh)
layout=$THAW_CACHE/images/debian-weights-$WEIGHTS
test-images/recipes/build-image.sh --layout "$layout" --tag latest --layer "$rootfs" \
  --random-file "/models/model.safetensors:$WEIGHTS" --cmd /bin/sh --cmd -c --cmd 'echo READY' \
  --push "$REGISTRY/demo:1"

say "converting with thaw-indexer: $REGISTRY/demo:1 -> $REGISTRY/demo:1-esgz"
start=$(now_ms)
bin/thaw-indexer convert --insecure-registry "$REGISTRY" "$REGISTRY/demo:1" "$REGISTRY/demo:1-esgz"
echo "converted in $(( $(now_ms) - start )) ms"

say "verifying (footer, TOC digest against the annotation, every chunk digest)"
bin/thaw-indexer verify --insecure-registry "$REGISTRY" "$REGISTRY/demo:1-esgz"

say "inspecting"
bin/thaw-indexer inspect --insecure-registry "$REGISTRY" "$REGISTRY/demo:1-esgz"

say "layer sizes: original $(human "$(layers_size "$REGISTRY/demo:1")"), eStargz $(human "$(layers_size "$REGISTRY/demo:1-esgz")")"

say "the converted image is still a plain OCI image: containerd + overlayfs pull and run it"
start_containerd
ctr_ image pull --plain-http "$REGISTRY/demo:1-esgz" >/dev/null
out=$(ctr_ run --rm --snapshotter overlayfs "$REGISTRY/demo:1-esgz" demo \
  /bin/sh -c 'stat -c "%s bytes of weights" /models/model.safetensors; echo READY')
echo "$out"
[[ $out == *READY* ]] || fail "the container did not print READY"

say "done; cleaning up"
