#!/usr/bin/env bash
# make demo: a private registry under a temp dir, a demo image (Debian minbase + 64 MiB of model
# weights) converted to eStargz with thaw-indexer, verified, inspected, pulled lazily and run through
# thaw, then pulled in full and run with overlayfs: time to first output and bytes fetched of both.
# Everything it starts is stopped and removed at the end.
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

image_bytes=$(layers_size "$REGISTRY/demo:1-esgz")
say "starting thaw-snapshotter and a containerd that uses it as snapshotter \"thaw\""
start_thaw
# The CRI plugin on, unpacking with thaw and passing the layer annotations: a Kubernetes node's setup.
CONTAINERD_CRI=1 start_containerd "$(thaw_proxy_plugin; printf '%s\n' \
  '[plugins."io.containerd.grpc.v1.cri".containerd]' \
  '  snapshotter = "thaw"' \
  '  disable_snapshot_annotations = false')"

say "lazy: thaw-snapshotter pull (containerd's CRI image service, as kubelet pulls), then ctr -n k8s.io run"
start=$(now_ms)
bin/thaw-snapshotter pull --address "$CONTAINERD_ADDRESS" "$REGISTRY/demo:1-esgz"
out=$(ctr_ -n k8s.io run --rm --snapshotter thaw "$REGISTRY/demo:1-esgz" lazy /bin/sh -c 'echo READY')
lazy_ms=$(($(now_ms) - start))
echo "$out"
[[ $out == *READY* ]] || fail "the lazily pulled container did not print READY"
lazy_bytes=$(thaw_metric thaw_fetch_bytes_total)
if grep -q "remote-snapshot-prepared=false" "$WORK/thaw/log"; then
  grep "remote-snapshot-prepared=false" "$WORK/thaw/log" >&2
  fail "thaw fell back to a full pull for some layer"
fi

say "full: ctr image pull with overlayfs (the converted image is still a plain OCI image), then ctr run"
start=$(now_ms)
ctr_ image pull --plain-http "$REGISTRY/demo:1-esgz" >/dev/null
out=$(ctr_ run --rm --snapshotter overlayfs "$REGISTRY/demo:1-esgz" full /bin/sh -c 'echo READY')
full_ms=$(($(now_ms) - start))
echo "$out"
[[ $out == *READY* ]] || fail "the fully pulled container did not print READY"

say "results"
printf '%-28s %18s %16s\n' "" "time to output" "bytes fetched"
printf '%-28s %15s ms %16s\n' "lazy (thaw, eStargz)" "$lazy_ms" "$(human "$lazy_bytes")"
printf '%-28s %15s ms %16s\n' "full (overlayfs)" "$full_ms" "$(human "$image_bytes")"

say "done; cleaning up"
