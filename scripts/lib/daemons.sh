# Shell helpers for the demo and the benchmarks: a private docker-registry and a private containerd
# under one work directory, stopped by their pids (never by name) and unmounted on exit.
#
#   source scripts/lib/daemons.sh
#   daemons_init            # creates $WORK (a temp dir under /tmp) and the cleanup trap
#   start_registry          # sets REGISTRY=127.0.0.1:PORT
#   start_containerd        # sets CONTAINERD_ADDRESS; ctr_ / ctr_remote run against it
# shellcheck shell=bash

THAW_ROOT=${THAW_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export THAW_CACHE=${THAW_CACHE:-$HOME/.cache/thaw}
DAEMON_PIDS=()

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { echo "error: $*" >&2; exit 1; }

daemons_init() {
  WORK=$(mktemp -d /tmp/thaw-work-XXXXXX)
  trap daemons_cleanup EXIT
  trap 'exit 130' INT TERM
}

daemons_cleanup() {
  local rc=$?
  set +e
  if [[ -n ${CONTAINERD_ADDRESS:-} ]] && [[ -S $CONTAINERD_ADDRESS ]]; then
    local ns task
    for ns in $(ctr --address "$CONTAINERD_ADDRESS" namespaces ls -q 2>/dev/null); do
      for task in $(ctr --address "$CONTAINERD_ADDRESS" -n "$ns" tasks ls -q 2>/dev/null); do
        ctr --address "$CONTAINERD_ADDRESS" -n "$ns" tasks kill -a -s SIGKILL "$task" >/dev/null 2>&1
        ctr --address "$CONTAINERD_ADDRESS" -n "$ns" tasks delete -f "$task" >/dev/null 2>&1
      done
    done
  fi
  local pid
  for pid in "${DAEMON_PIDS[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${DAEMON_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  if [[ -n ${WORK:-} ]]; then
    if [[ ${THAW_KEEP_WORK:-} == 1 ]]; then
      release_dir "$WORK" keep
      echo "kept $WORK" >&2
    else
      release_dir "$WORK"
    fi
  fi
  return $rc
}

# release_dir DIR [keep]: kills the containerd shims started for a containerd under DIR (they carry
# its socket path on their command line and outlive containerd), unmounts every mount under DIR,
# deepest first, and removes DIR unless "keep" is given.
release_dir() {
  local dir=$1 proc
  for proc in /proc/[0-9]*; do
    if tr '\0' ' ' 2>/dev/null <"$proc/cmdline" | grep -q -- "-address $dir/"; then
      kill -9 "${proc#/proc/}" 2>/dev/null || true
    fi
  done
  awk -v w="$dir" '$5 == w || index($5, w "/") == 1 {print $5}' /proc/self/mountinfo \
    | sort -r | while read -r m; do umount -l "$m" || true; done
  [[ ${2:-} == keep ]] || rm -rf --one-file-system "$dir"
}

# stop_daemon PID: SIGTERM, SIGKILL after 30 s, and forget it (one of ours, from DAEMON_PIDS).
# The grace covers a thaw JVM writing its AppCDS archive at its first exit (seconds on a loaded
# machine); killed earlier, no archive was ever written and every later start loaded classes cold.
stop_daemon() {
  local pid=$1 p kept=()
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true # its exit status is the signal's
  for p in "${DAEMON_PIDS[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
  DAEMON_PIDS=("${kept[@]}")
}

free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 40000))
    if ! ss -Hltn "sport = :$port" | grep -q .; then
      echo "$port"
      return
    fi
  done
  fail "no free port found"
}

# start_registry: a real docker-registry on a free 127.0.0.1 port, storage under $WORK.
start_registry() {
  local dir=$WORK/registry port
  mkdir -p "$dir"
  port=$(free_port)
  cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 </dev/null &
  DAEMON_PIDS+=($!)
  REGISTRY=127.0.0.1:$port
  for _ in $(seq 100); do
    curl -fsS "http://$REGISTRY/v2/" >/dev/null 2>&1 && return
    sleep 0.1
  done
  cat "$dir/log" >&2
  fail "docker-registry did not start on $REGISTRY"
}

# start_containerd [EXTRA_TOML]: a private containerd, root/state/socket under $WORK. Its CRI plugin
# is off unless CONTAINERD_CRI=1; then its CNI directories are under $WORK (pulls need no CNI) and
# its streaming server listens on a free 127.0.0.1 port. EXTRA_TOML may add the CRI plugin's
# [plugins."io.containerd.grpc.v1.cri".containerd] table, not the plugin's own table.
start_containerd() {
  local dir=$WORK/containerd cri_disabled='"io.containerd.grpc.v1.cri", ' cri_toml=''
  mkdir -p "$dir"
  CONTAINERD_ADDRESS=$dir/containerd.sock
  if [[ ${CONTAINERD_CRI:-} == 1 ]]; then
    cri_disabled=''
    cri_toml=$(printf '%s\n' \
      '[plugins."io.containerd.grpc.v1.cri"]' \
      '  stream_server_address = "127.0.0.1"' \
      '  stream_server_port = "0"' \
      '[plugins."io.containerd.grpc.v1.cri".cni]' \
      "  bin_dir = \"$dir/cni/bin\"" \
      "  conf_dir = \"$dir/cni/conf\"")
  fi
  cat >"$dir/config.toml" <<TOML
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = [${cri_disabled}"io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]
[grpc]
  address = "$CONTAINERD_ADDRESS"
[ttrpc]
  address = "$CONTAINERD_ADDRESS.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
${cri_toml}
${1:-}
TOML
  containerd --config "$dir/config.toml" >"$dir/log" 2>&1 </dev/null &
  CONTAINERD_PID=$!
  DAEMON_PIDS+=($!)
  for _ in $(seq 300); do
    ctr --address "$CONTAINERD_ADDRESS" version >/dev/null 2>&1 && return
    sleep 0.1
  done
  tail -20 "$dir/log" >&2
  fail "containerd did not start"
}

# start_thaw: thaw-snapshotter serve (socket, root, config and log under $WORK/thaw; sets
# THAW_SOCKET, THAW_METRICS, THAW_PID), the registry $REGISTRY trusted over plain HTTP, metrics on a
# free port. Background fetching is off unless THAW_BACKGROUND_FETCH=true (then bytes fetched are
# the bytes read plus prefetch); THAW_LOG_LEVEL (info) sets its log level: debug adds each Prepare's
# manifest / TOC fetch+parse+index / mount times. Containerd reaches it with thaw_proxy_plugin's TOML.
start_thaw() {
  local dir=$WORK/thaw
  mkdir -p "$dir"
  THAW_SOCKET=$dir/thaw.sock
  THAW_METRICS=127.0.0.1:$(free_port)
  cat >"$dir/config.toml" <<TOML
log_level = "${THAW_LOG_LEVEL:-info}"
metrics_address = "$THAW_METRICS"
[fetch]
background = ${THAW_BACKGROUND_FETCH:-false}
[registry]
insecure = ["$REGISTRY"]
TOML
  "$THAW_ROOT/bin/thaw-snapshotter" serve --config "$dir/config.toml" --root "$dir/root" \
    --address "$THAW_SOCKET" >"$dir/log" 2>&1 </dev/null &
  THAW_PID=$!
  DAEMON_PIDS+=($!)
  for _ in $(seq 300); do
    grep -q "serving snapshots on" "$dir/log" && return
    kill -0 "$THAW_PID" 2>/dev/null || break
    sleep 0.1
  done
  tail -20 "$dir/log" >&2
  fail "thaw-snapshotter did not start"
}

# thaw_proxy_plugin: containerd TOML that makes the running thaw the snapshotter "thaw".
thaw_proxy_plugin() { printf '[proxy_plugins.thaw]\n  type = "snapshot"\n  address = "%s"\n' "$THAW_SOCKET"; }

# await_thaw_reachable: waits until the running containerd has a working connection to the running
# thaw. `ctr snapshots ls` proves nothing: containerd answers List (and Stat) from its own metadata
# without calling the proxy. containerd dials a proxy snapshotter once, at its start, and each
# connection attempt must see the server's HTTP/2 SETTINGS within the attempt's backoff delay (1 s
# for the first: containerd's grpc.ConnectParams sets no MinConnectTimeout); a missed one leaves the
# channel in backoff, and every call until the next attempt succeeds fails at once with "timed out
# waiting for server handshake" (seen under load >= 14, with both daemons starting). A Prepare of a
# scratch key reaches thaw; the key is removed again.
await_thaw_reachable() {
  local key=thaw-reachable-$$ out=
  for _ in $(seq 30); do
    if out=$(ctr --address "$CONTAINERD_ADDRESS" snapshots --snapshotter thaw prepare "$key" 2>&1); then
      ctr --address "$CONTAINERD_ADDRESS" snapshots --snapshotter thaw rm "$key" >/dev/null \
        || fail "remove the scratch snapshot $key from thaw through containerd"
      return
    fi
    sleep 1
  done
  fail "containerd cannot reach thaw-snapshotter on $THAW_SOCKET: $out (see $WORK/containerd/log)"
}

# thaw_metric NAME: the sum of a thaw Prometheus metric over its labels (0 when absent).
thaw_metric() {
  curl -fsS "http://$THAW_METRICS/metrics" | awk -v n="$1" '$1 == n || index($1, n "{") == 1 {s += $NF} END {printf "%.0f", s}'
}

# peak_rss_kib PID: VmHWM of a live process in KiB.
peak_rss_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

ctr_() { ctr --address "$CONTAINERD_ADDRESS" "$@"; }
ctr_remote() { ctr-remote --address "$CONTAINERD_ADDRESS" "$@"; }

# manifest REF: the image manifest JSON of HOST/REPO:TAG from the registry.
manifest() {
  local host=${1%%/*} rest=${1#*/}
  local repo=${rest%:*} tag=${rest##*:}
  curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
    "http://$host/v2/$repo/manifests/$tag"
}

# layers_size REF: the sum of the compressed layer sizes in bytes.
layers_size() { manifest "$1" | jq '[.layers[].size] | add'; }

human() { numfmt --to=iec-i --suffix=B --format='%.1f' "$1"; }

# now_ms: wall clock in milliseconds.
now_ms() { date +%s%3N; }
