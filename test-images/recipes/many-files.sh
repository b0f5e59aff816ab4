#!/usr/bin/env bash
# Builds the `many-files` image and prints its OCI layout directory (tag `latest`).
#
#   many-files.sh [MIN_FILES]        # default 50000
#
# Layers: the python-ml root (Debian bookworm minbase + python3 + python3-numpy), then /data: copies
# of that root's real small files (< 32 KiB under /usr/share and /usr/lib/python3*, data/copy-N/…)
# until at least MIN_FILES regular files, and /app/walk.py (stats every entry under /data, reads 1% of the files,
# prints READY), the default command.
# Cached at ${THAW_CACHE:-$HOME/.cache/thaw}/images/many-files-MIN_FILES; delete it to rebuild.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
min_files=${1:-50000}
[[ $min_files =~ ^[0-9]+$ ]] || { echo "many-files: MIN_FILES must be a number, got '$min_files'" >&2; exit 1; }
cache=${THAW_CACHE:-$HOME/.cache/thaw}
layout=$cache/images/many-files-$min_files

if [[ ! -f $layout/index.json ]]; then
  rootfs=$("$here/debootstrap-rootfs.sh" python3,python3-numpy)
  mkdir -p "$cache/images"
  work=$(mktemp -d "$cache/images/.many-files-$min_files.XXXXXX")
  trap 'rm -rf --one-file-system "$work"' EXIT
  tree=$work/tree
  mkdir -p "$tree/data" "$tree/app"
  cp "$here/files/walk.py" "$tree/app/walk.py"
  # The small files (< 32 KiB) of real trees: docs, locale data, the Python standard library and
  # numpy's sources; about 5,000 files and 28 MB per copy.
  list=$work/files
  (cd "$rootfs" && find usr/share usr/lib/python3 usr/lib/python3.* -type f -size -32k -print0) >"$list"
  per_copy=$(tr -cd '\0' <"$list" | wc -c)
  ((per_copy > 0)) || { echo "many-files: no small files found under $rootfs/usr" >&2; exit 1; }
  copies=$(((min_files + per_copy - 1) / per_copy))
  for ((n = 0; n < copies; n++)); do
    mkdir -p "$tree/data/copy-$n"
    tar -C "$rootfs" --null -T "$list" -cf - | tar -C "$tree/data/copy-$n" -xf -
  done
  files=$(find "$tree/data" -type f | wc -l)
  ((files >= min_files)) || { echo "many-files: only $files files after $copies copies" >&2; exit 1; }
  echo "many-files: $files files in $copies copies of $per_copy" >&2
  "$here/build-image.sh" --layout "$layout" --tag latest --layer "$rootfs" --layer "$tree" \
    --cmd python3 --cmd /app/walk.py --cmd /data
fi
echo "$layout"
