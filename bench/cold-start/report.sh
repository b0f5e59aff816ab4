#!/usr/bin/env bash
# Turns bench/cold-start's raw per-iteration numbers into $OUT/results.md (a markdown table of the
# median iteration of every image and mode, and the issue's targets) and $OUT/results.png (time to
# READY split into pull, create and run, with gnuplot). Called by run.sh with its environment;
# can be run again on a kept raw file:
#
#   RAW=bench/out/cold-start-…/raw.tsv bench/cold-start/report.sh
set -euo pipefail

: "${RAW:?RAW: the raw.tsv of a run}"
OUT=${OUT:-bench/cold-start}
IMAGES=${IMAGES:-python-ml hello many-files}
MODES=${MODES:-full thaw thaw-profile}
PROFILE_NOTE=${PROFILE_NOTE:-}
HELLO_OPENED=${HELLO_OPENED:-0}
HELLO_READ=${HELLO_READ:-0}
HELLO_TOCS=${HELLO_TOCS:-0}
[[ -s $RAW ]] || { echo "report: $RAW is missing or empty" >&2; exit 1; }
mkdir -p "$OUT"

# summary: one line per image and mode, in IMAGES × MODES order: image mode n total pull create
# run requests blob_requests registry_bytes thaw_bytes thaw_prefetch rss_kib. The time columns come
# from the iteration with the median time to READY; the others are medians of their own.
summary() {
  awk -F'\t' -v images="$IMAGES" -v modes="$MODES" '
    function median(list,   a, n, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    NR == 1 { next }
    {
      k = $1 SUBSEP $2; n[k]++
      total[k] = total[k] " " $7; row[k, n[k]] = $0
      req[k] = req[k] " " $8; blobs[k] = blobs[k] " " $9; bytes[k] = bytes[k] " " $10
      thaw[k] = thaw[k] " " $11; pre[k] = pre[k] " " $13; rss[k] = rss[k] " " $14
    }
    END {
      ni = split(images, im, " "); nm = split(modes, mo, " ")
      for (i = 1; i <= ni; i++) for (m = 1; m <= nm; m++) {
        k = im[i] SUBSEP mo[m]
        if (!(k in n)) continue
        med = median(total[k])
        # The iteration closest to the median total (the median itself for an odd count).
        best = 1; bestd = -1
        for (j = 1; j <= n[k]; j++) {
          split(row[k, j], f, "\t"); d = f[7] - med; if (d < 0) d = -d
          if (bestd < 0 || d < bestd) { bestd = d; best = j }
        }
        split(row[k, best], f, "\t")
        printf "%s %s %d %d %d %d %d %d %d %.0f %.0f %.0f %d\n", im[i], mo[m], n[k], f[7], f[4], f[5], f[6],
          median(req[k]), median(blobs[k]), median(bytes[k]), median(thaw[k]), median(pre[k]), median(rss[k])
      }
    }' "$RAW"
}

secs() { awk -v ms="$1" 'BEGIN { printf "%.1f s", ms / 1000 }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f×", a / b; else printf "–" }'; }

lines=$(summary)
declare -A full_total
while read -r image mode _ total _; do
  [[ $mode == full ]] && full_total[$image]=$total
done <<<"$lines"

{
  echo "## bench/cold-start — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "Weights $(mib "${WEIGHTS:-0}"), many-files ≥ ${MANY_FILES:-50000} files; n cold iterations per cell" \
    "(fresh containerd and thaw roots, page cache dropped); network: ${SHAPE:-loopback, unshaped}."
  echo "Time columns: the iteration with the median time to READY; the other columns: medians."
  echo
  echo "| image | mode | n | time to READY | pull | create | run | vs full | registry requests (blobs) | bytes served by registry | thaw fetched (prefetch) | thaw peak RSS |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  while read -r image mode n total pull create run req blobs bytes thaw pre rss; do
    if [[ $mode == full ]]; then
      thaw_cols="– | –"
    else
      thaw_cols="$(mib "$thaw") ($(mib "$pre")) | $(mib $((rss * 1024)))"
    fi
    echo "| $image | $mode | $n | $(secs "$total") | $(secs "$pull") | $(secs "$create") | $(secs "$run") | $(ratio "$total" "${full_total[$image]:-0}") | $req ($blobs) | $(mib "$bytes") | $thaw_cols |"
  done <<<"$lines"
  if [[ -n $PROFILE_NOTE ]]; then
    for image in $IMAGES; do
      echo "| $image | thaw-profile | | $PROFILE_NOTE | | | | | | | | |"
    done
  fi
  echo
  echo "### Targets"
  echo
  while read -r image mode n total _ _ _ _ _ bytes _ _ rss; do
    [[ $mode == full ]] && continue
    r=$(ratio "$total" "${full_total[$image]:-0}")
    case $image in
      python-ml) echo "- python-ml, $mode: time to READY $r a full pull (target ≤ 0.3×): $(awk -v a="$total" -v b="${full_total[$image]:-0}" 'BEGIN { print (b > 0 && a <= 0.3 * b) ? "met" : "**missed**" }')" ;;
      hello)
        echo "- hello, $mode: time to READY $r a full pull (target ≤ 0.05×): $(awk -v a="$total" -v b="${full_total[$image]:-0}" 'BEGIN { print (b > 0 && a <= 0.05 * b) ? "met" : "**missed**" }')"
        # What the process reads: thaw's profile (bytes read through the lazy mounts) when a
        # profile was recorded, else the files it opens (strace in a chroot), an upper bound.
        if ((HELLO_READ > 0)); then
          reads=$HELLO_READ what="reads $(mib "$HELLO_READ") through thaw (profile; it opens $(mib "$HELLO_OPENED") of files)"
        else
          reads=$HELLO_OPENED what="opens $(mib "$HELLO_OPENED") of files (strace)"
        fi
        budget=$(( (reads + HELLO_TOCS) * 11 / 10 ))
        echo "- hello, $mode: $(mib "$bytes") served by the registry; the command $what, the TOCs (+ footers) are $(mib "$HELLO_TOCS"); target ≤ 1.1× their sum = $(mib "$budget"): $( ((bytes <= budget)) && echo met || echo '**missed**')"
        ;;
    esac
    echo "- $image, $mode: thaw peak RSS $(mib $((rss * 1024))) (target ≤ 150 MiB): $( ((rss <= 150 * 1024)) && echo met || echo '**missed**')"
  done <<<"$lines"
  echo
  echo "![time to READY](results.png)"
} >"$OUT/results.md"

# Chart: one stacked bar per image and mode.
data=$(mktemp)
trap 'rm -f "$data"' EXIT
while read -r image mode _ total pull create run _; do
  printf '"%s\\n%s" %s %s %s\n' "$image" "$mode" \
    "$(awk -v v="$pull" 'BEGIN { printf "%.2f", v / 1000 }')" \
    "$(awk -v v="$create" 'BEGIN { printf "%.2f", v / 1000 }')" \
    "$(awk -v v="$run" 'BEGIN { printf "%.2f", v / 1000 }')"
done <<<"$lines" >"$data"
gnuplot <<GP
set terminal pngcairo size 1100,520 font "sans,10"
set output "$OUT/results.png"
set title "Cold start: time to READY (median iteration), ${SHAPE:-loopback}"
set ylabel "seconds"
set bmargin 4
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.7
set key outside right top vertical
set grid ytics
set xtics nomirror font ",9"
plot "$data" using 2:xtic(1) title "pull" lc rgb "#4477aa", \
     "" using 3 title "create" lc rgb "#ddaa33", \
     "" using 4 title "run (to READY)" lc rgb "#bb5566"
GP
cat "$OUT/results.md"
echo >&2
echo "written: $OUT/results.md, $OUT/results.png" >&2
