#!/usr/bin/env bash
# Builds the `python-ml` image (also run as `hello` with another command) and prints its OCI layout
# directory; the image is tagged `latest` there.
#
#   python-ml.sh [WEIGHT_BYTES]      # default 2147483648 (2 GiB)
#
# Layers: Debian bookworm minbase + python3 + python3-numpy (debootstrap-rootfs.sh, cached), then
# /models/model.safetensors (safetensors-file.sh: header + WEIGHT_BYTES incompressible bytes) and
# /app/serve.py (imports numpy, reads the header, then all weights, prints READY), the default
# command. python3-torch is left out: it would add ~1 GiB of compressible libraries and minutes to
# every build, and the weights already dominate what a cold start reads.
# Cached at ${THAW_CACHE:-$HOME/.cache/thaw}/images/python-ml-WEIGHT_BYTES; delete it to rebuild.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
weights=${1:-2147483648}
cache=${THAW_CACHE:-$HOME/.cache/thaw}
layout=$cache/images/python-ml-$weights

if [[ ! -f $layout/index.json ]]; then
  rootfs=$("$here/debootstrap-rootfs.sh" python3,python3-numpy)
  mkdir -p "$cache/images"
  work=$(mktemp -d "$cache/images/.python-ml-$weights.XXXXXX")
  trap 'rm -rf --one-file-system "$work"' EXIT
  echo "python-ml: writing $weights bytes of weights" >&2
  "$here/safetensors-file.sh" "$work/model.safetensors" "$weights"
  "$here/build-image.sh" --layout "$layout" --tag latest --layer "$rootfs" \
    --file "$work/model.safetensors:/models/model.safetensors" \
    --file "$here/files/serve.py:/app/serve.py" \
    --cmd python3 --cmd /app/serve.py
fi
echo "$layout"
