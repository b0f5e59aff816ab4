#!/usr/bin/env bash
# Turns root directories and extra files into an OCI image, without Docker, and optionally pushes it.
#
#   build-image.sh --layout DIR --tag TAG [--layer ROOTDIR]... [--file SRC:DEST]...
#                  [--random-file DEST:BYTES]... [--cmd ARG]... [--entrypoint ARG]...
#                  [--push HOST/REPO:TAG]
#
# Every --layer ROOTDIR becomes one layer (in order). The --file and --random-file entries together
# become one more layer on top. --random-file writes BYTES incompressible bytes (a deterministic
# AES-CTR stream seeded by DEST), like model weights. The layout is written under DIR:TAG with umoci
# (gzip layers, config diffIDs and history filled in); --push copies it to a registry over plain
# HTTP with skopeo. An existing DIR:TAG is reused as is (callers cache by choosing DIR).
set -euo pipefail

die() { echo "build-image: $*" >&2; exit 1; }

layout= tag= push=
layers=() files=() randoms=() cmd=() entrypoint=()
while (($#)); do
  case $1 in
    --layout) layout=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --layer) layers+=("$2"); shift 2 ;;
    --file) files+=("$2"); shift 2 ;;
    --random-file) randoms+=("$2"); shift 2 ;;
    --cmd) cmd+=("$2"); shift 2 ;;
    --entrypoint) entrypoint+=("$2"); shift 2 ;;
    --push) push=$2; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
[[ -n $layout && -n $tag ]] || die "--layout and --tag are required"
for tool in umoci skopeo tar; do
  command -v "$tool" >/dev/null || die "$tool is not installed (scripts/install-deps.sh)"
done

# Tar of one directory in a stable order: sorted names, numeric owners, PAX headers for long names
# and xattrs; real modification times are kept, as in real images.
tar_dir() {
  tar -C "$1" --sort=name --numeric-owner --xattrs --xattrs-include='*' --acls \
    --format=pax --pax-option=delete=atime,delete=ctime -cf "$2" .
}

build() {
  local work
  mkdir -p "$(dirname "$layout")"
  work=$(mktemp -d "${layout%/}.build.XXXXXX")
  trap 'rm -rf --one-file-system "$work"' RETURN
  local tmp_layout=$work/layout
  umoci init --layout "$tmp_layout"
  umoci new --image "$tmp_layout:$tag"
  local i=0 dir
  for dir in "${layers[@]}"; do
    [[ -d $dir ]] || die "layer root $dir is not a directory"
    tar_dir "$dir" "$work/layer$i.tar"
    umoci raw add-layer --image "$tmp_layout:$tag" --history.created_by "build-image.sh --layer $(basename "$dir")" "$work/layer$i.tar"
    rm -f "$work/layer$i.tar"
    i=$((i + 1))
  done
  if ((${#files[@]} + ${#randoms[@]} > 0)); then
    local extra=$work/extra spec src dest bytes
    mkdir -p "$extra"
    for spec in "${files[@]}"; do
      src=${spec%%:*}
      dest=${spec#*:}
      mkdir -p "$extra/$(dirname "$dest")"
      cp -a "$src" "$extra/$dest"
    done
    for spec in "${randoms[@]}"; do
      dest=${spec%%:*}
      bytes=${spec#*:}
      mkdir -p "$extra/$(dirname "$dest")"
      # openssl dies of SIGPIPE when head has enough: not a failure.
      (set +o pipefail
        openssl enc -aes-128-ctr -nosalt -pass "pass:$dest" -pbkdf2 </dev/zero 2>/dev/null \
          | head -c "$bytes" >"$extra/$dest")
      chmod 644 "$extra/$dest"
      [[ $(stat -c %s "$extra/$dest") -eq $bytes ]] || die "could not write $bytes bytes to $dest"
    done
    tar_dir "$extra" "$work/extra.tar"
    umoci raw add-layer --image "$tmp_layout:$tag" --history.created_by "build-image.sh extra files" "$work/extra.tar"
    rm -f "$work/extra.tar"
  fi
  local config=()
  local arg
  for arg in "${entrypoint[@]}"; do config+=(--config.entrypoint "$arg"); done
  for arg in "${cmd[@]}"; do config+=(--config.cmd "$arg"); done
  if ((${#config[@]} > 0)); then
    umoci config --image "$tmp_layout:$tag" "${config[@]}"
  fi
  umoci gc --layout "$tmp_layout"
  # Publish by rename (several tags in one layout dir are not supported: one dir per image).
  mv -T "$tmp_layout" "$layout"
}

if [[ -f $layout/index.json ]] && jq -e --arg t "$tag" \
  '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t)' \
  "$layout/index.json" >/dev/null; then
  echo "build-image: reusing $layout:$tag" >&2
else
  [[ ! -e $layout ]] || die "$layout exists without tag $tag; remove it"
  build
fi

if [[ -n $push ]]; then
  skopeo copy --quiet --dest-tls-verify=false "oci:$layout:$tag" "docker://$push" </dev/null
  echo "build-image: pushed $push" >&2
fi
