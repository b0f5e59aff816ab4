#!/usr/bin/env bash
# Writes a file shaped like a safetensors model: an 8-byte little-endian header length, a JSON
# header naming F16 tensors of 64 MiB (the last one shorter) with their data offsets, padded with
# spaces to a multiple of 8 bytes, then the tensor data: BYTES incompressible bytes (a
# deterministic AES-CTR stream seeded by DEST's name, like build-image.sh's --random-file).
#
#   safetensors-file.sh DEST BYTES      # BYTES even and > 0
#
# The file is written beside DEST and renamed into place.
set -euo pipefail

die() { echo "safetensors-file: $*" >&2; exit 1; }

(($# == 2)) || die "usage: safetensors-file.sh DEST BYTES"
dest=$1 bytes=$2
[[ $bytes =~ ^[0-9]+$ ]] && ((bytes > 0 && bytes % 2 == 0)) \
  || die "BYTES must be a positive even number of bytes, got '$bytes'"
command -v openssl >/dev/null || die "openssl is not installed"

tensor=$((64 << 20))
header='{"__metadata__":{"format":"pt"}'
offset=0 i=0
while ((offset < bytes)); do
  size=$((bytes - offset < tensor ? bytes - offset : tensor))
  if ((size == tensor)); then shape="[4096,8192]"; else shape="[$((size / 2))]"; fi
  header+=",\"model.layers.$i.weight\":{\"dtype\":\"F16\",\"shape\":$shape,\"data_offsets\":[$offset,$((offset + size))]}"
  offset=$((offset + size))
  i=$((i + 1))
done
header+='}'
# The data starts 8-byte aligned, as the safetensors writer pads its header.
while (((8 + ${#header}) % 8 != 0)); do header+=' '; done

tmp=$(mktemp "$dest.XXXXXX")
trap 'rm -f "$tmp"' EXIT
len=${#header}
le=''
for ((b = 0; b < 8; b++)); do
  le+=$(printf '\\x%02x' $(((len >> (8 * b)) & 255)))
done
{
  printf '%b' "$le"
  printf '%s' "$header"
  # openssl dies of SIGPIPE when head has enough: not a failure.
  (set +o pipefail
    openssl enc -aes-128-ctr -nosalt -pass "pass:$(basename "$dest")" -pbkdf2 </dev/zero 2>/dev/null \
      | head -c "$bytes")
} >"$tmp"
want=$((8 + len + bytes))
[[ $(stat -c %s "$tmp") -eq $want ]] || die "wrote $(stat -c %s "$tmp") bytes to $dest, expected $want"
chmod 644 "$tmp"
mv -T "$tmp" "$dest"
trap - EXIT
