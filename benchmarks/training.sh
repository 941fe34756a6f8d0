#!/usr/bin/env bash
# Training benchmark: wall-clock time and peak memory (max RSS) of offline training
# (`serverless-ml train --data <folder>`) at 1x, 4x and 16x the volume of the UCI bike data,
# on synthetic daily files from `serverless-ml data generate`.
#
#   bash benchmarks/training.sh
#
# Prints a Markdown report and writes it to artifacts/benchmarks/training.md (raw runs in
# training.tsv beside it). Exits non-zero when cost grows faster than linearly with rows:
# when the 16x/1x ratio of marginal time (time minus the start-up baseline) or of peak-RSS
# growth above the baseline exceeds rows(16x)/rows(1x) * TOLERANCE.
#
# Environment:
#   REPEATS=3          timed runs per scale (the median is reported)
#   REPEATS_16X=       timed runs at 16x (default: REPEATS)
#   BASE_DAYS=724      days at 1x (24 hourly rows a day; UCI hour.csv has 17,379 rows)
#   SEED=7             generator seed
#   TOLERANCE=1.25     allowed excess over linear growth
#   BENCH_DIR=         scratch folder for data and models (default: a new folder under ${TMPDIR:-/tmp},
#                      so two runs on one machine never share one)
#   BENCH_LOCK=/tmp/serverlessml-build.lock
#                      every dotnet build/run and every timed run holds this lock (flock), so
#                      builds and measurements on a shared machine never overlap
#   SKIP_BUILD=1       use the existing Release build
#   KEEP_DATA=1        keep the scratch folder afterwards
#   SMOKE=1            report, but do not judge linearity (tiny sizes, as CI runs it, are all start-up)
set -euo pipefail
# shellcheck source=benchmarks/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPEATS=${REPEATS:-3}
REPEATS_16X=${REPEATS_16X:-$REPEATS}
BASE_DAYS=${BASE_DAYS:-724}
SEED=${SEED:-7}
TOLERANCE=${TOLERANCE:-1.25}
WORK=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/serverless-ml-training.XXXXXX")}
TIME=/usr/bin/time

[[ -x $TIME ]] || die "$TIME not found (Debian package 'time')"
command -v flock >/dev/null || die "flock not found (package util-linux)"
[[ $REPEATS =~ ^[1-9][0-9]*$ && $REPEATS_16X =~ ^[1-9][0-9]*$ ]] || die "REPEATS and REPEATS_16X must be positive integers"

mkdir -p "$OUT_DIR"
rm -rf "$WORK"
mkdir -p "$WORK"
if [[ ${KEEP_DATA:-0} != 1 ]]; then
  trap 'rm -rf "$WORK"' EXIT
fi

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  echo "== build (Release)" >&2
  locked dotnet build -c Release "$ROOT/src/ServerlessMl.Cli" -nologo -v quiet >&2
fi
[[ -f $CLI ]] || die "$CLI is missing; build src/ServerlessMl.Cli in Release"

# Scales: name, days. "floor" is the fewest days the trainer accepts (28 to train on + 14 held
# out): the fixed cost of ML.NET plus 2 x 200 boosting rounds on almost no data. Informational.
SCALES=(floor 1x 4x 16x)
declare -A DAYS=([floor]=42 [1x]=$BASE_DAYS [4x]=$((BASE_DAYS * 4)) [16x]=$((BASE_DAYS * 16)))
declare -A ROWS=()

echo "== generate data into $WORK" >&2
for s in "${SCALES[@]}"; do
  # Every scale ends yesterday: the trainer refuses days after today (UTC) plus one, and 16x
  # spans decades.
  start=$(date -u -d "-${DAYS[$s]} days" +%Y-%m-%d)
  locked dotnet "$CLI" data generate -o "$WORK/data-$s" --start "$start" --days "${DAYS[$s]}" --seed "$SEED" >/dev/null 2>&1 \
    || die "data generate failed for $s (${DAYS[$s]} days)"
done

TRAIN_ARGS=(--model bike-demand --holdout-days 14)
run_once() { # scale run -> appends a line to the TSV
  local s=$1 run=$2 tv="$WORK/time-$1-$2.txt" log="$WORK/stderr-$1-$2.txt"
  local -a cmd
  if [[ $s == baseline ]]; then
    cmd=(dotnet "$CLI" train --help)
  else
    cmd=(dotnet "$CLI" train --data "$WORK/data-$s" --output "$WORK/model-$s/model.zip" "${TRAIN_ARGS[@]}")
  fi
  if ! locked "$TIME" -v -o "$tv" "${cmd[@]}" >"$WORK/stdout-$s-$run.json" 2>"$log"; then
    echo "training.sh: FAILED ($s, run $run): ${cmd[*]}" >&2
    tail -n 30 "$log" >&2
    cat "$tv" >&2 || true
    exit 1
  fi
  awk -v scale="$s" -v run="$run" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time \(seconds\)/ { u = $2 } /System time \(seconds\)/ { y = $2 }
    /Maximum resident set size/ { r = $2 }
    END { printf "%s\t%d\t%.2f\t%.2f\t%d\n", scale, run, w, u + y, r }' "$tv" >>"$TSV"
  if [[ $s != baseline && -z ${ROWS[$s]:-} ]]; then
    ROWS[$s]=$(jq -r '.data.rows' "$WORK/model-$s/model.manifest.json")
  fi
}

TSV=$OUT_DIR/training.tsv
printf 'scale\trun\twall_s\tcpu_s\tmax_rss_kb\n' >"$TSV"

echo "== warm-up (untimed): 1x" >&2
locked dotnet "$CLI" train --data "$WORK/data-1x" --output "$WORK/model-warmup/model.zip" "${TRAIN_ARGS[@]}" >/dev/null 2>&1 \
  || die "warm-up training failed; run: dotnet $CLI train ${TRAIN_ARGS[*]} --data $WORK/data-1x --output /tmp/model.zip"

# Rounds interleave the scales, so drift in the machine's load touches every scale alike.
ROUNDS=$(( REPEATS > REPEATS_16X ? REPEATS : REPEATS_16X ))
for ((run = 1; run <= ROUNDS; run++)); do
  for s in baseline "${SCALES[@]}"; do
    if [[ $s == 16x ]] && ((run > REPEATS_16X)); then continue; fi
    if [[ $s != 16x ]] && ((run > REPEATS)); then continue; fi
    echo "== round $run: $s" >&2
    run_once "$s" "$run"
  done
done

# ---- report -------------------------------------------------------------------------------
column() { awk -F'\t' -v s="$1" -v c="$2" 'NR > 1 && $1 == s { print $c }' "$TSV"; } # scale column
scale_median() { calc %.2f "$(column "$1" "$2" | median)"; echo; }
range() { column "$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f–%.2f", v[1], v[NR] }'; }
count() { awk -F'\t' -v s="$1" 'NR > 1 && $1 == s { n++ } END { print n + 0 }' "$TSV"; }

declare -A W C R
for s in baseline "${SCALES[@]}"; do
  W[$s]=$(scale_median "$s" 3); C[$s]=$(scale_median "$s" 4); R[$s]=$(scale_median "$s" 5 | cut -d. -f1)
done
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

ROW_RATIO_4=$(calc %.2f "${ROWS[4x]} / ${ROWS[1x]}")
ROW_RATIO_16=$(calc %.2f "${ROWS[16x]} / ${ROWS[1x]}")
T4=$(calc %.2f "${W[4x]} / ${W[1x]}"); T16=$(calc %.2f "${W[16x]} / ${W[1x]}")
MT4=$(calc %.2f "(${W[4x]} - ${W[baseline]}) / (${W[1x]} - ${W[baseline]})")
MT16=$(calc %.2f "(${W[16x]} - ${W[baseline]}) / (${W[1x]} - ${W[baseline]})")
CT4=$(calc %.2f "${C[4x]} / ${C[1x]}"); CT16=$(calc %.2f "${C[16x]} / ${C[1x]}")
R4=$(calc %.2f "${R[4x]} / ${R[1x]}"); R16=$(calc %.2f "${R[16x]} / ${R[1x]}")
MR4=$(calc %.2f "(${R[4x]} - ${R[baseline]}) / (${R[1x]} - ${R[baseline]})")
MR16=$(calc %.2f "(${R[16x]} - ${R[baseline]}) / (${R[1x]} - ${R[baseline]})")
LIMIT=$(calc %.2f "$ROW_RATIO_16 * $TOLERANCE")

ok_time=$(awk -v a="$MT16" -v b="$LIMIT" 'BEGIN { print (a <= b) ? "yes" : "no" }')
ok_rss=$(awk -v a="$MR16" -v b="$LIMIT" 'BEGIN { print (a <= b) ? "yes" : "no" }')

REPORT=$OUT_DIR/training.md
{
  echo "### Training benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Machine: $(machine_line)."
  echo "Command: \`dotnet serverless-ml.dll train --model bike-demand --data <folder> --output <model.zip> --holdout-days 14\` under \`/usr/bin/time -v\`;"
  echo "data from \`data generate --start <N days ago> --days N --seed $SEED\` (24 rows a day, ending yesterday)."
  echo "Repeats: $REPEATS per scale, $REPEATS_16X at 16x, after one untimed 1x warm-up; medians (min–max)."
  echo
  echo "| scale | days | rows | runs | wall s, median (min–max) | CPU s (user+sys) | peak RSS MiB |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  echo "| baseline: \`train --help\` | – | – | $(count baseline) | ${W[baseline]} ($(range baseline 3)) | ${C[baseline]} | $(mib "${R[baseline]}") |"
  for s in "${SCALES[@]}"; do
    label=$s; [[ $s == floor ]] && label="floor (fewest days accepted)"
    echo "| $label | ${DAYS[$s]} | ${ROWS[$s]} | $(count "$s") | ${W[$s]} ($(range "$s" 3)) | ${C[$s]} | $(mib "${R[$s]}") |"
  done
  echo
  echo "| ratio | 4x / 1x | 16x / 1x |"
  echo "|---|---:|---:|"
  echo "| rows | $ROW_RATIO_4 | $ROW_RATIO_16 |"
  echo "| wall time | $T4 | $T16 |"
  echo "| marginal wall time (minus baseline) | $MT4 | $MT16 |"
  echo "| CPU time | $CT4 | $CT16 |"
  echo "| peak RSS | $R4 | $R16 |"
  echo "| peak RSS growth above baseline | $MR4 | $MR16 |"
  echo
  echo "Linearity check (16x/1x must be at most rows ratio x $TOLERANCE = $LIMIT):"
  echo "marginal time $MT16 -> $([[ $ok_time == yes ]] && echo pass || echo FAIL);"
  echo "RSS growth above baseline $MR16 -> $([[ $ok_rss == yes ]] && echo pass || echo FAIL)."
} >"$REPORT"

cat "$REPORT"
echo >&2
echo "Report: $REPORT   raw runs: $TSV" >&2
[[ ${SMOKE:-0} == 1 || ($ok_time == yes && $ok_rss == yes) ]] || { echo "training.sh: cost grows faster than linearly with rows" >&2; exit 1; }
