#!/bin/sh
# Installs thaw-snapshotter on this node: jar, launcher, systemd unit, default config and the
# containerd proxy-plugin snippet. Run as root from the repository after `mvn -B package`.
#   systemd/install.sh [--prefix /usr/local] [--no-start]
set -eu

prefix=/usr/local
start=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --no-start) start=no; shift ;;
    *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
jar="$(ls "$repo"/snapshotter/target/thaw-snapshotter-*-all.jar 2>/dev/null | head -n 1 || true)"
if [ -z "$jar" ]; then
  echo "install.sh: no snapshotter/target/thaw-snapshotter-*-all.jar; run: mvn -B -DskipTests package" >&2
  exit 1
fi
[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root" >&2; exit 1; }

install -d -m 0755 "$prefix/lib/thaw" "$prefix/bin" /etc/thaw
install -d -m 0700 /var/lib/thaw /run/thaw
install -d -m 0755 /var/cache/thaw # the launcher's class-data-sharing archives
install -m 0644 "$jar" "$prefix/lib/thaw/thaw-snapshotter.jar"
install -m 0644 "$repo/bin/thaw-snapshotter.jvm-options" "$prefix/lib/thaw/thaw-snapshotter.jvm-options"
sed "s#/usr/local/lib/thaw#$prefix/lib/thaw#" "$here/thaw-snapshotter.sh" > "$prefix/bin/thaw-snapshotter"
chmod 0755 "$prefix/bin/thaw-snapshotter"
sed "s#/usr/local/bin/thaw-snapshotter#$prefix/bin/thaw-snapshotter#" "$here/thaw-snapshotter.service" \
  > /etc/systemd/system/thaw-snapshotter.service
# Never overwrite an operator's config.
[ -e /etc/thaw/config.toml ] || install -m 0644 "$here/config.toml" /etc/thaw/config.toml
install -m 0644 "$here/containerd-thaw.toml" /etc/thaw/containerd-thaw.toml

if ! grep -q 'proxy_plugins.thaw' /etc/containerd/config.toml 2>/dev/null; then
  echo "install.sh: add /etc/thaw/containerd-thaw.toml to /etc/containerd/config.toml, then restart containerd"
fi

if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable thaw-snapshotter.service
  if [ "$start" = yes ]; then
    systemctl restart thaw-snapshotter.service
  fi
fi
echo "installed thaw-snapshotter into $prefix"
echo "pull lazily through containerd's CRI (kubelet's path): $prefix/bin/thaw-snapshotter pull REF"
