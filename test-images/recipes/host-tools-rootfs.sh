#!/usr/bin/env bash
# Builds a tiny root file system from this host's own binaries (a shell and a few coreutils, with
# the shared libraries `ldd` names), for quick container tests that need no debootstrap.
#
#   host-tools-rootfs.sh            # prints the cached directory
#
# Cached at ${THAW_CACHE:-$HOME/.cache/thaw}/rootfs/host-tools; built in a temp dir and renamed.
set -euo pipefail

cache=${THAW_CACHE:-$HOME/.cache/thaw}
dest=$cache/rootfs/host-tools
tools=(sh cat ls echo head sha256sum wc stat sleep true)

if [[ -x $dest/bin/sh ]]; then
  echo "$dest"
  exit 0
fi
mkdir -p "$cache/rootfs"
tmp=$(mktemp -d "$cache/rootfs/.host-tools.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,etc,tmp,proc,sys,dev,root}
chmod 1777 "$tmp/tmp"
copy_with_libs() {
  local bin=$1 lib
  cp -L "$bin" "$tmp/bin/"
  for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
    mkdir -p "$tmp$(dirname "$lib")"
    [[ -e $tmp$lib ]] || cp -L "$lib" "$tmp$lib"
  done
}
for tool in "${tools[@]}"; do
  path=$(PATH=/usr/bin:/bin type -P "$tool") || { echo "host-tools-rootfs: $tool not found" >&2; exit 1; }
  copy_with_libs "$path"
done
echo "thaw" >"$tmp/etc/hostname"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$tmp/etc/passwd"
printf 'root:x:0:\n' >"$tmp/etc/group"
chmod 755 "$tmp"
mv -T "$tmp" "$dest" 2>/dev/null || { [[ -x $dest/bin/sh ]] || exit 1; }
trap - EXIT
echo "$dest"
