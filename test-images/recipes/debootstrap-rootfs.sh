#!/usr/bin/env bash
# Builds a Debian bookworm root file system with `debootstrap --variant=minbase` once and caches it.
#
#   debootstrap-rootfs.sh [EXTRA_PACKAGE,...]
#
# Prints the cached directory on stdout: ${THAW_CACHE:-$HOME/.cache/thaw}/rootfs/bookworm-minbase[+pkgs].
# The tree is built in a temp dir beside it and renamed into place, so an interrupted run never
# leaves a half-built cache entry. Needs root (debootstrap creates device nodes and chowns).
# THAW_DEBIAN_MIRROR overrides the mirror (default http://deb.debian.org/debian).
set -euo pipefail

extra=${1:-}
cache=${THAW_CACHE:-$HOME/.cache/thaw}
name=bookworm-minbase${extra:++${extra//,/+}}
dest=$cache/rootfs/$name
mirror=${THAW_DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [[ -f $dest/etc/debian_version ]]; then
  echo "$dest"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || { echo "debootstrap-rootfs: needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "debootstrap-rootfs: debootstrap is not installed (scripts/install-deps.sh)" >&2; exit 1; }

mkdir -p "$cache/rootfs"
# One builder at a time per cache entry (parallel test JVMs may ask at once).
exec 9>"$cache/rootfs/.$name.lock"
flock 9
if [[ -f $dest/etc/debian_version ]]; then
  echo "$dest"
  exit 0
fi

tmp=$(mktemp -d "$cache/rootfs/.$name.XXXXXX")
trap 'rm -rf --one-file-system "$tmp"' EXIT
echo "debootstrap-rootfs: building $name from $mirror (a few minutes, once)" >&2
debootstrap --variant=minbase ${extra:+--include="$extra"} bookworm "$tmp" "$mirror" >&2 </dev/null \
  || { echo "debootstrap-rootfs: debootstrap failed; see $tmp/debootstrap/debootstrap.log" >&2; cp "$tmp/debootstrap/debootstrap.log" "$cache/rootfs/$name.failed.log" 2>/dev/null || true; exit 1; }
# Apt's downloaded .debs and lists are not part of a realistic image.
rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*
chmod 755 "$tmp"
mv -T "$tmp" "$dest"
trap - EXIT
echo "$dest"
