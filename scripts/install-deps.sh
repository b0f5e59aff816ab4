#!/usr/bin/env bash
# Installs what Thaw's build, tests, demo and benchmarks need on Debian 12 (bookworm), idempotently
# and without a terminal. Safe to run again: it only touches what is missing.
#
#   scripts/install-deps.sh          # as root (CI), or via sudo when not root
#
# Prints `export JAVA_HOME=...` for the JDK it selected on its last line of stdout.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
JAVA_HOME_WANTED=/usr/lib/jvm/temurin-25-jdk-amd64

# Debian packages, one per line: the binary they provide, then the package.
PACKAGES=(
  "containerd:containerd"
  "runc:runc"
  "docker-registry:docker-registry"
  "skopeo:skopeo"
  "umoci:umoci"
  "debootstrap:debootstrap"
  "fusermount3:fuse3"
  "-:libfuse2"
  "-:libdeflate0"
  "ctr-remote:stargz-snapshotter"
  "ip:iproute2"
  "curl:curl"
  "jq:jq"
  "getfattr:attr"
  "gnuplot:gnuplot-nox"
  "strace:strace"
  "mvn:maven"
  "make:make"
  "git:git"
)

log() { echo "install-deps: $*" >&2; }
die() { echo "install-deps: error: $*" >&2; exit 1; }

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || die "not root and sudo is missing; run as root"
  SUDO=(sudo -n)
fi

package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for pair in "${PACKAGES[@]}"; do
  bin=${pair%%:*}
  pkg=${pair#*:}
  if [[ $bin != - ]] && command -v "$bin" >/dev/null 2>&1; then
    continue
  fi
  package_installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
  command -v apt-get >/dev/null || die "apt-get not found; install by hand: ${missing[*]}"
  # apt-get update only when the package lists are absent or older than a day.
  lists=/var/lib/apt/lists
  if [[ -z $(find "$lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -1) ]]; then
    log "apt-get update"
    "${SUDO[@]}" apt-get update -q </dev/null
  fi
  log "installing: ${missing[*]}"
  if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null; then
    log "install failed; refreshing package lists and retrying once"
    "${SUDO[@]}" apt-get update -q </dev/null
    "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
  fi
else
  log "Debian packages present"
fi

# Temurin 25: the build's toolchain. The Debian default java (17) cannot build Thaw.
[[ -x $JAVA_HOME_WANTED/bin/java ]] \
  || die "Temurin 25 JDK not found at $JAVA_HOME_WANTED (install the temurin-25-jdk package from the Adoptium apt repository)"

# Kernel file systems: FUSE for lazy layers, overlay for containerd's snapshots.
for fs in fuse overlay; do
  if ! grep -qw "$fs" /proc/filesystems; then
    if command -v modprobe >/dev/null; then
      "${SUDO[@]}" modprobe "$fs" || die "cannot load kernel module $fs"
    else
      die "kernel file system $fs is not available and modprobe is missing"
    fi
  fi
done
[[ -c /dev/fuse ]] || die "/dev/fuse is missing"

# Debian starts docker-registry (port 5000) and containerd (the default socket) on install.
# Tests start their own instances on free ports and private sockets; stop the system ones so
# that nothing shared is listening.
stop_service() {
  local name=$1 binary=$2
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    if systemctl is-active --quiet "$name"; then
      log "stopping the system $name service"
      "${SUDO[@]}" systemctl stop "$name" || true
      "${SUDO[@]}" systemctl disable "$name" >/dev/null 2>&1 || true
    fi
  elif [[ -x /etc/init.d/$name ]] && "/etc/init.d/$name" status >/dev/null 2>&1; then
    log "stopping the system $name service"
    "${SUDO[@]}" "/etc/init.d/$name" stop </dev/null || true
  fi
  # Only the daemon started by the service: its pid file, never a name match (our tests run
  # their own containerd and docker-registry processes).
  local pidfile
  for pidfile in "/run/$name.pid" "/var/run/$name.pid" "/run/$name/$name.pid"; do
    if [[ -s $pidfile ]]; then
      local pid
      pid=$(<"$pidfile")
      if [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$binary" ]]; then
        log "stopping the system $name (pid $pid)"
        "${SUDO[@]}" kill "$pid" || true
      fi
    fi
  done
}
stop_service docker-registry /usr/bin/docker-registry
stop_service containerd /usr/bin/containerd

log "ready (JAVA_HOME=$JAVA_HOME_WANTED)"
echo "export JAVA_HOME=$JAVA_HOME_WANTED"
