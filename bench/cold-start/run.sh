#!/usr/bin/env bash
# bench/cold-start: time to READY of realistic images, cold, through a full pull with overlayfs and
# through thaw, side by side in one run against one private registry.
#
#   bench/cold-start/run.sh                  # make bench
#   QUICK=1 bench/cold-start/run.sh          # 1 iteration, 256 MiB of weights
#   SHAPE=1gbit bench/cold-start/run.sh      # everything in a network namespace, loopback shaped
#
# Images (test-images/recipes): python-ml (Debian + python3 + numpy + a safetensors model read in
# full), hello (the same image, `sh -c 'echo READY'`), many-files (>= 50k small files, all
# stat'ed, 1% read). Modes:
#   full          ctr image pull (overlayfs) of the original gzip image, then create and run
#   thaw          ctr-remote images rpull --snapshotter thaw of the eStargz image converted by
#                 thaw-indexer without --prefetch, then create and run
#   thaw-warm     as thaw, but the daemon has first pulled and run a tiny other image (host tools)
#                 before the page cache is dropped: a long-running daemon, JVM classes loaded
#                 (not in the default MODES; MODES="full thaw thaw-warm" to see the warm-up cost)
#   thaw-profile  the same with an image converted with --prefetch of the profile that
#                 `thaw-snapshotter profile export` recorded in one earlier run of the same command
#                 ("n/a" while that command does not exist)
# Every iteration starts a fresh containerd (and thaw) with empty roots and drops the page cache.
# Measured: pull, create (`ctr container create`) and run (`ctr task start` until the process
# printed READY and exited); requests and bytes the registry served (its access log); thaw's own
# fetch counters; thaw's peak RSS (VmHWM). The median iteration (by time to READY) is reported.
#
# Environment: ITERATIONS (3; QUICK 1), WEIGHTS (bytes of model weights; 2 GiB, QUICK 256 MiB),
# IMAGES ("python-ml hello many-files"), MODES ("full thaw thaw-profile"), MANY_FILES (50000),
# SHAPE (a tc rate such as 1gbit; empty = unshaped loopback), STEP_TIMEOUT (seconds per step, 900),
# THAW_BACKGROUND_FETCH (false), OUT (bench/cold-start: results.md and results.png).
# Raw per-iteration numbers and every daemon log go to bench/out/cold-start-TIMESTAMP/.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../../scripts/lib/daemons.sh"
cd "$THAW_ROOT"
[[ $(id -u) -eq 0 ]] || fail "the benchmark needs root (debootstrap, containerd, FUSE, drop_caches)"

QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
  ITERATIONS=${ITERATIONS:-1}
  WEIGHTS=${WEIGHTS:-268435456}
else
  ITERATIONS=${ITERATIONS:-3}
  WEIGHTS=${WEIGHTS:-2147483648}
fi
IMAGES=${IMAGES:-python-ml hello many-files}
MODES=${MODES:-full thaw thaw-profile}
MANY_FILES=${MANY_FILES:-50000}
STEP_TIMEOUT=${STEP_TIMEOUT:-900}
OUT=${OUT:-bench/cold-start}
SHAPE=${SHAPE:-}

# SHAPE: run this script again inside a fresh network namespace whose loopback (the only link the
# registry, containerd and thaw talk over) is shaped with a token bucket.
if [[ -n $SHAPE && -z ${COLD_START_NETNS:-} ]]; then
  command -v tc >/dev/null || fail "SHAPE needs tc (iproute2; scripts/install-deps.sh)"
  ns=thaw-cold-start-$$
  ip netns add "$ns"
  trap 'ip netns del "$ns"' EXIT
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" tc qdisc add dev lo root tbf rate "$SHAPE" burst 1mb latency 50ms
  say "network namespace $ns: loopback shaped to $SHAPE ($(ip netns exec "$ns" tc qdisc show dev lo))"
  rc=0
  COLD_START_NETNS=$ns ip netns exec "$ns" "$0" "$@" || rc=$?
  exit "$rc"
fi

for tool in gnuplot ctr-remote containerd docker-registry skopeo jq curl strace; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-deps.sh)"
done
for name in $IMAGES; do
  case $name in python-ml | hello | many-files) ;; *) fail "IMAGES: unknown image $name" ;; esac
done
for mode in $MODES; do
  case $mode in full | thaw | thaw-warm | thaw-profile) ;; *) fail "MODES: unknown mode $mode" ;; esac
done

RUN_DIR=$THAW_ROOT/bench/out/cold-start-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RUN_DIR" "$OUT"
RAW=$RUN_DIR/raw.tsv
printf 'image\tmode\titeration\tpull_ms\tcreate_ms\trun_ms\ttotal_ms\tregistry_requests\tregistry_blob_requests\tregistry_bytes\tthaw_bytes\tthaw_requests\tthaw_prefetch_bytes\tthaw_peak_rss_kib\tthaw_mounted_ms\n' >"$RAW"

daemons_init
start_registry

# --- images -----------------------------------------------------------------------------------

# push_layout DIR REF: copies the OCI layout's `latest` to the registry as is (no recompression:
# the eStargz blobs and their annotations stay byte for byte).
push_layout() {
  skopeo copy --quiet --dest-tls-verify=false "oci:$1:latest" "docker://$2" </dev/null
}

# converted_layout NAME SRC_LAYOUT: the thaw-indexer eStargz conversion (no --prefetch) of a layout,
# cached beside it by the source manifest digest.
converted_layout() {
  local name=$1 src=$2 digest dest tmp
  digest=$(jq -r '.manifests[0].digest' "$src/index.json")
  dest=$THAW_CACHE/images/$name-estargz-${digest#sha256:}
  dest=${dest:0:${#dest}-48}
  if [[ ! -f $dest/index.json ]]; then
    tmp=$dest.tmp-$$
    rm -rf "$tmp"
    say "converting $name to eStargz with thaw-indexer (cached in $dest)"
    bin/thaw-indexer convert "oci:$src:latest" "oci:$tmp:latest" >&2
    mv -T "$tmp" "$dest"
  fi
  echo "$dest"
}

say "building the images (cached in $THAW_CACHE)"
declare -A SRC_LAYOUT
need_py=0
[[ " $IMAGES " == *" python-ml "* || " $IMAGES " == *" hello "* ]] && need_py=1
if ((need_py)); then
  SRC_LAYOUT[python-ml]=$(test-images/recipes/python-ml.sh "$WEIGHTS")
fi
if [[ " $IMAGES " == *" many-files "* ]]; then
  SRC_LAYOUT[many-files]=$(test-images/recipes/many-files.sh "$MANY_FILES")
fi

say "pushing the original and the eStargz images to $REGISTRY"
for repo in "${!SRC_LAYOUT[@]}"; do
  push_layout "${SRC_LAYOUT[$repo]}" "$REGISTRY/$repo:src"
  push_layout "$(converted_layout "$repo" "${SRC_LAYOUT[$repo]}")" "$REGISTRY/$repo:estargz"
  annotation=$(manifest "$REGISTRY/$repo:estargz" | jq -r '.layers[0].annotations["containerd.io/snapshot/stargz/toc.digest"] // empty')
  [[ -n $annotation ]] || fail "$REGISTRY/$repo:estargz lost its TOC digest annotation on the way to the registry"
done

WARMUP_REF=$REGISTRY/warmup:estargz
if [[ " $MODES " == *" thaw-warm "* ]]; then
  say "building the warm-up image (host tools) for thaw-warm"
  warmup_layout=$THAW_CACHE/images/cold-start-warmup
  test-images/recipes/build-image.sh --layout "$warmup_layout" --tag latest \
    --layer "$(test-images/recipes/host-tools-rootfs.sh)" --push "$REGISTRY/warmup:src"
  bin/thaw-indexer convert --insecure-registry "$REGISTRY" "$REGISTRY/warmup:src" "$WARMUP_REF" >&2
fi

# repo_of IMAGE / command_of IMAGE: which repository an image comes from and the command it runs
# (empty: the image's own).
repo_of() { case $1 in hello) echo python-ml ;; *) echo "$1" ;; esac; }
command_of() { case $1 in hello) printf '%s\n' /bin/sh -c 'echo READY' ;; esac; }

# --- one cold iteration -----------------------------------------------------------------------

# bounded CMD...: a step that may not hang the benchmark.
bounded() { timeout --kill-after=10 "$STEP_TIMEOUT" "$@"; }

# fresh_daemons MODE: a new containerd (and for thaw modes a new thaw) with empty roots.
fresh_daemons() {
  rm -rf "$WORK/containerd" "$WORK/thaw"
  if [[ $1 == full ]]; then
    start_containerd
  else
    start_thaw
    start_containerd "$(thaw_proxy_plugin)"
    # Before the clock starts: containerd's one connection to thaw works (a missed handshake at
    # containerd's start otherwise fails the pull; see await_thaw_reachable).
    await_thaw_reachable
  fi
}

# stop_daemons ITERATION_LABEL: keeps the logs in $RUN_DIR, stops containerd and thaw, removes
# their roots (shims killed, mounts unmounted).
stop_daemons() {
  local label=$1
  [[ -f $WORK/containerd/log ]] && cp "$WORK/containerd/log" "$RUN_DIR/$label.containerd.log"
  [[ -f $WORK/thaw/log ]] && cp "$WORK/thaw/log" "$RUN_DIR/$label.thaw.log"
  stop_daemon "$CONTAINERD_PID"
  [[ -n ${THAW_PID:-} ]] && stop_daemon "$THAW_PID"
  THAW_PID=
  release_dir "$WORK/containerd"
  release_dir "$WORK/thaw"
}

# registry_traffic FROM_BYTE: "requests blob_requests bytes" the registry served (GET and HEAD)
# after that offset of its access log (combined format: "METHOD URI PROTO" STATUS BYTES …).
registry_traffic() {
  tail -c +$(($1 + 1)) "$WORK/registry/log" | awk '
    $2 == "-" && $3 == "-" && ($6 == "\"GET" || $6 == "\"HEAD") {
      n++; if ($7 ~ /\/blobs\//) blobs++; if ($10 ~ /^[0-9]+$/) bytes += $10
    }
    END { printf "%d %d %.0f", n, blobs, bytes } # %d stops at 2^31 in mawk'
}

# run_container SNAPSHOTTER REF ID CMD...: ctr container create, then ctr task start (attached);
# sets CREATE_MS, RUN_MS and OUTPUT. The container ID gets this run's work-dir suffix: runc keeps
# its state under /run/containerd/runc/NAMESPACE whatever containerd's root, so two benchmarks on
# one machine would otherwise collide ("container with given ID already exists").
run_container() {
  local snapshotter=$1 ref=$2 id=$3-${WORK##*-} t0 t1 t2
  shift 3
  t0=$(now_ms)
  # "--": ctr would take the command's own flags (sh -c) for its options.
  bounded ctr --address "$CONTAINERD_ADDRESS" container create --snapshotter "$snapshotter" "$ref" "$id" \
    ${1:+--} "$@" >/dev/null
  t1=$(now_ms)
  OUTPUT=$(bounded ctr --address "$CONTAINERD_ADDRESS" task start "$id" 2>&1) \
    || fail "$id: the container failed: $OUTPUT"
  t2=$(now_ms)
  CREATE_MS=$((t1 - t0))
  RUN_MS=$((t2 - t1))
  [[ $OUTPUT == *READY* ]] || fail "$id: the container did not print READY: $OUTPUT"
}

# pull MODE REF: the pull step of a mode; sets PULL_MS.
pull() {
  local mode=$1 ref=$2 t0
  t0=$(now_ms)
  if [[ $mode == full ]]; then
    bounded ctr --address "$CONTAINERD_ADDRESS" image pull --plain-http "$ref" >/dev/null
  else
    bounded ctr-remote --address "$CONTAINERD_ADDRESS" images rpull --plain-http --snapshotter thaw "$ref" >/dev/null
  fi
  PULL_MS=$(($(now_ms) - t0))
}

# measure IMAGE MODE ITERATION: one cold iteration; appends a row to $RAW.
measure() {
  local image=$1 mode=$2 iteration=$3 repo ref snapshotter label offset cmd=()
  repo=$(repo_of "$image")
  case $mode in
    full) ref=$REGISTRY/$repo:src snapshotter=overlayfs ;;
    thaw | thaw-warm) ref=$REGISTRY/$repo:estargz snapshotter=thaw ;;
    thaw-profile) ref=$REGISTRY/$image:profile snapshotter=thaw ;;
  esac
  mapfile -t cmd < <(command_of "$image")
  label=$image-$mode-$iteration
  say "$label: $ref"
  fresh_daemons "$mode"
  if [[ $mode == thaw-warm ]]; then
    bounded ctr-remote --address "$CONTAINERD_ADDRESS" images rpull --plain-http --snapshotter thaw "$WARMUP_REF" >/dev/null
    bounded ctr --address "$CONTAINERD_ADDRESS" run --rm --snapshotter thaw "$WARMUP_REF" "$label-warmup-${WORK##*-}" /bin/sh -c 'cat /bin/ls >/dev/null' >/dev/null
  fi
  sync
  echo 3 >/proc/sys/vm/drop_caches
  offset=$(stat -c %s "$WORK/registry/log")
  # thaw-warm's daemon has counted its warm-up already: measure differences.
  local mounts_before=0 bytes_before=0 requests_before=0 prefetch_before=0
  if [[ $mode != full ]]; then
    mounts_before=$(grep -c "mounted layer" "$WORK/thaw/log" || true)
    bytes_before=$(thaw_metric thaw_fetch_bytes_total)
    requests_before=$(thaw_metric thaw_fetch_requests_total)
    prefetch_before=$(thaw_metric 'thaw_fetch_bytes_total{class="prefetch"}')
  fi
  PULL_START_MS=$(now_ms)
  pull "$mode" "$ref"
  run_container "$snapshotter" "$ref" "$label" "${cmd[@]}"
  sleep 0.2 # the registry writes its access log line after the response
  local traffic thaw_bytes=0 thaw_requests=0 thaw_prefetch=0 rss=0 mounted=0
  traffic=$(registry_traffic "$offset")
  if [[ $mode != full ]]; then
    thaw_bytes=$(($(thaw_metric thaw_fetch_bytes_total) - bytes_before))
    thaw_requests=$(($(thaw_metric thaw_fetch_requests_total) - requests_before))
    thaw_prefetch=$(($(thaw_metric 'thaw_fetch_bytes_total{class="prefetch"}') - prefetch_before))
    rss=$(peak_rss_kib "$THAW_PID")
    curl -fsS "http://$THAW_METRICS/metrics" >"$RUN_DIR/$label.metrics"
    # When the last layer of this pull was mounted, from the start of the pull (thaw's log).
    local last
    last=$(grep "mounted layer" "$WORK/thaw/log" | tail -n +$((mounts_before + 1)) | tail -1 | cut -d' ' -f1)
    [[ -z $last ]] || mounted=$(($(date -d "$last" +%s%3N) - PULL_START_MS))
    if grep -q "remote-snapshot-prepared=false" "$WORK/thaw/log"; then
      grep "remote-snapshot-prepared=false" "$WORK/thaw/log" >&2
      fail "$label: thaw fell back to a full pull for some layer"
    fi
  fi
  echo "$OUTPUT" | grep READY >&2
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$image" "$mode" "$iteration" \
    "$PULL_MS" "$CREATE_MS" "$RUN_MS" $((PULL_MS + CREATE_MS + RUN_MS)) $traffic \
    "$thaw_bytes" "$thaw_requests" "$thaw_prefetch" "$rss" "$mounted" | tee -a "$RAW" >&2
  stop_daemons "$label"
}

# --- profiles ---------------------------------------------------------------------------------

# The profile command exists once the snapshotter lists it (picocli prints the top usage, exit 0,
# for an unknown subcommand with --help).
profile_available() { bin/thaw-snapshotter --help 2>/dev/null | grep -qE "^ +profile( |$)"; }

# make_profile_image IMAGE: runs IMAGE once on thaw from the plain eStargz image, exports the
# profile thaw recorded and converts the original image with it as --prefetch to IMAGE:profile.
make_profile_image() {
  local image=$1 repo ref cmd=() hot=$RUN_DIR/$1.hot.txt
  repo=$(repo_of "$image")
  ref=$REGISTRY/$repo:estargz
  mapfile -t cmd < <(command_of "$image")
  say "$image: recording a profile (one run on thaw of $ref)"
  fresh_daemons thaw
  pull thaw "$ref"
  run_container thaw "$ref" "$image-profile-run" "${cmd[@]}"
  bin/thaw-snapshotter profile export --root "$WORK/thaw/root" "$ref" >"$hot" \
    || fail "$image: thaw-snapshotter profile export $ref failed"
  bin/thaw-snapshotter profile list --root "$WORK/thaw/root" >"$RUN_DIR/$image.profiles" \
    || fail "$image: thaw-snapshotter profile list failed"
  stop_daemons "$image-profile-run"
  [[ -s $hot ]] || fail "$image: the exported profile $hot is empty"
  # profile list: reference, window start, files, bytes read through the lazy mounts.
  if [[ $image == hello ]]; then
    HELLO_READ=$(awk -F'\t' -v r="$ref" '$1 == r {print $4}' "$RUN_DIR/$image.profiles")
  fi
  say "$image: $(grep -cv '^#' "$hot") profile entries; converting with --prefetch"
  bin/thaw-indexer convert --insecure-registry "$REGISTRY" --prefetch "$hot" \
    "oci:${SRC_LAYOUT[$repo]}:latest" "$REGISTRY/$image:profile" >&2
}

PROFILE_NOTE=
HELLO_READ=0
active_modes=()
for mode in $MODES; do
  if [[ $mode == thaw-profile ]] && ! profile_available; then
    PROFILE_NOTE="n/a (profile export not available)"
    say "thaw-profile: $PROFILE_NOTE in this build"
    continue
  fi
  active_modes+=("$mode")
done
if [[ " ${active_modes[*]} " == *" thaw-profile "* ]]; then
  for image in $IMAGES; do make_profile_image "$image"; done
fi

# --- what hello reads -------------------------------------------------------------------------

# opened_bytes IMAGE: the sizes of the distinct regular files the command opens or executes, run
# under strace in a chroot of the image's root with a container's environment (only PATH): an
# upper bound of what it reads.
opened_bytes() {
  local rootfs cmd=() path total=0
  rootfs=$(test-images/recipes/debootstrap-rootfs.sh python3,python3-numpy)
  mapfile -t cmd < <(command_of "$1")
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    strace -f -qq -e trace=chroot,openat,execve -o "$RUN_DIR/$1.strace" chroot "$rootfs" "${cmd[@]}" >/dev/null
  # Only what happens inside the chroot, from the chroot() call on; executed binaries bring their
  # ELF interpreter, which the kernel opens without an openat.
  local strace=$RUN_DIR/$1.strace paths interp
  paths=$(awk '/chroot\(/ {inside = 1; next} inside && !/ENOENT/' "$strace" | grep -o '"/[^"]*"' | tr -d '"')
  for path in $(awk '/chroot\(/ {inside = 1; next} inside && /execve\(/' "$strace" | grep -o 'execve("/[^"]*"' | cut -d'"' -f2); do
    interp=$(grep -ao '/lib[0-9]*/ld-linux[-_.a-z0-9]*\.so\.[0-9]' "$rootfs$path" | head -1 || true)
    [[ -z $interp ]] || paths+=$'\n'$interp
  done
  while read -r path; do
    if [[ -f $rootfs$path ]]; then
      total=$((total + $(stat -L -c %s "$rootfs$path")))
    fi
  done < <(sort -u <<<"$paths")
  echo "$total"
}

# toc_bytes REF: the compressed bytes of the TOC region of every layer (TOC member + footer).
toc_bytes() {
  local total=0 digest size rest=${1#*/}
  local repo=${rest%:*}
  while read -r digest size; do
    local tail_bytes toc_offset
    # Footer: 16 bytes of gzip header and extra-field header, then the TOC offset in 16 hex digits.
    tail_bytes=$(curl -fsS -r "$((size - 51))-$((size - 1))" "http://$REGISTRY/v2/$repo/blobs/$digest" | head -c 32 | tail -c 16)
    [[ $tail_bytes =~ ^[0-9a-f]{16}$ ]] || fail "layer $digest of $1 has no eStargz footer"
    toc_offset=$((16#$tail_bytes))
    total=$((total + size - toc_offset))
  done < <(manifest "$1" | jq -r '.layers[] | "\(.digest) \(.size)"')
  echo "$total"
}

# --- iterations -------------------------------------------------------------------------------

for ((i = 1; i <= ITERATIONS; i++)); do
  for image in $IMAGES; do
    for mode in "${active_modes[@]}"; do
      measure "$image" "$mode" "$i"
    done
  done
done

HELLO_OPENED=0 HELLO_TOCS=0
if [[ " $IMAGES " == *" hello "* ]]; then
  HELLO_OPENED=$(opened_bytes hello)
  HELLO_TOCS=$(toc_bytes "$REGISTRY/python-ml:estargz")
fi

# --- report -----------------------------------------------------------------------------------

export RAW IMAGES MODES PROFILE_NOTE HELLO_OPENED HELLO_READ HELLO_TOCS WEIGHTS ITERATIONS SHAPE OUT
export MANY_FILES RUN_DIR
"$here/report.sh"
say "raw numbers and logs in $RUN_DIR"
