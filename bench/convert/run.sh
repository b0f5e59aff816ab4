#!/usr/bin/env bash
# bench/convert: converts one realistic image (Debian bookworm minbase + 1 GiB of incompressible
# model weights, two layers) to eStargz with `thaw-indexer convert` and with the reference
# `ctr-remote image convert --estargz --oci`, both at default settings, in the same run against
# the same private registry, and prints times and output sizes as a markdown table (also written to
# bench/out/convert-TIMESTAMP.md).
#
#   bench/convert/run.sh [WEIGHT_BYTES]     # default 1073741824 (1 GiB)
#
# thaw-indexer reads from and pushes to the registry itself; ctr-remote converts content already in
# containerd's store, so its time is reported both alone and with the pull and push around it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/daemons.sh"
cd "$THAW_ROOT"
[[ $(id -u) -eq 0 ]] || fail "the benchmark needs root (debootstrap, containerd)"

WEIGHTS=${1:-1073741824}
daemons_init
start_registry
start_containerd

say "building the source image (cached in $THAW_CACHE)"
rootfs=$(test-images/recipes/debootstrap-rootfs.sh)
layout=$THAW_CACHE/images/debian-weights-$WEIGHTS
test-images/recipes/build-image.sh --layout "$layout" --tag latest --layer "$rootfs" \
  --random-file "/models/model.safetensors:$WEIGHTS" --cmd /bin/sh --cmd -c --cmd 'echo READY' \
  --push "$REGISTRY/bench:src"
src_size=$(layers_size "$REGISTRY/bench:src")
uncompressed=$(( $(du -sb "$rootfs" | cut -f1) + WEIGHTS ))

sync
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "thaw-indexer convert (registry -> registry)"
t0=$(now_ms)
bin/thaw-indexer convert --insecure-registry "$REGISTRY" "$REGISTRY/bench:src" "$REGISTRY/bench:thaw" >&2
thaw_ms=$(( $(now_ms) - t0 ))
thaw_size=$(layers_size "$REGISTRY/bench:thaw")

say "ctr-remote image convert --estargz --oci (pull, convert, push)"
t0=$(now_ms)
ctr_ image pull --plain-http "$REGISTRY/bench:src" >/dev/null
t1=$(now_ms)
ctr_remote image convert --estargz --oci "$REGISTRY/bench:src" "$REGISTRY/bench:ref" >/dev/null
t2=$(now_ms)
ctr_ image push --plain-http "$REGISTRY/bench:ref" >/dev/null
t3=$(now_ms)
ref_convert_ms=$((t2 - t1))
ref_total_ms=$((t3 - t0))
ref_size=$(layers_size "$REGISTRY/bench:ref")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

say "verifying both outputs with thaw-indexer verify"
bin/thaw-indexer verify --insecure-registry "$REGISTRY" "$REGISTRY/bench:thaw" >&2
bin/thaw-indexer verify --insecure-registry "$REGISTRY" "$REGISTRY/bench:ref" >&2

secs() { awk -v ms="$1" 'BEGIN { printf "%.1f s", ms / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
report=$(cat <<MD
## bench/convert — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $load_before before, $load_after after

Source: Debian bookworm minbase + $(human "$WEIGHTS") incompressible weights; $(human "$uncompressed") uncompressed, $(human "$src_size") as gzip layers.

| converter | time | output layers | vs thaw-indexer |
| --- | ---: | ---: | ---: |
| thaw-indexer convert (pull + convert + push) | $(secs $thaw_ms) | $(human "$thaw_size") | 1.00× |
| ctr-remote convert --estargz --oci (convert only) | $(secs $ref_convert_ms) | $(human "$ref_size") | $(ratio $ref_convert_ms $thaw_ms) |
| ctr-remote (pull + convert + push) | $(secs $ref_total_ms) | $(human "$ref_size") | $(ratio $ref_total_ms $thaw_ms) |

Both at gzip level 9 (ctr-remote's default, which thaw-indexer matches). thaw-indexer deflates
with libdeflate (Go's compress/flate in ctr-remote), writes a member as deflate *stored* blocks when
compressing would not make it smaller (members over 256 KiB are judged by their first 64 KiB: over
97% of their size means stored, which is what the incompressible weights get), and uploads each
layer as soon as it is converted.
MD
)
mkdir -p bench/out
file=bench/out/convert-$(date -u +%Y%m%dT%H%M%SZ).md
echo "$report" | tee "$file"
echo >&2
echo "written to $file" >&2
