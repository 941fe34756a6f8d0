#!/usr/bin/env bash
# HTTP serving benchmark: wrk against `serverless-ml serve` on 127.0.0.1, the predict route next
# to the same host's constant-response endpoint (POST /bench/constant: same Kestrel, same
# pipeline, drains the body, no model), at 1, 16 and 64 connections, then batches of 100.
#
#   bash benchmarks/http.sh
#
# Steps: install wrk if missing (Debian package, 4.1.x), build in Release, start a throw-away
# Azurite, generate + upload synthetic data, train a champion, start serve, warm up, then for
# each round and concurrency run the two endpoints back to back (order alternates by round),
# DURATION seconds each; then single vs batch-of-100 at c=16. Writes the report to
# artifacts/benchmarks/http.md (raw runs in http.tsv) and stdout; stops everything on exit.
#
# Environment:
#   DURATION=10        seconds per measurement
#   ROUNDS=2           rounds per concurrency (the table shows the mean over rounds)
#   CONCURRENCY="1 16 64"
#   DAYS=120           synthetic days to train on (bike)
#   MODEL=bike-demand  or sms-spam: the spam champion trained on ../shared's SMS collection, bodies
#                      of 100 of its messages; report in http-sms-spam.md
#   WRK_THREADS=1      wrk threads (1: the load generator takes at most one of the cores)
#   BENCH_LOCK=/tmp/serverlessml-build.lock   held by every build, dotnet run and measurement
#   SKIP_BUILD=1       use the existing Release builds
set -euo pipefail
# shellcheck source=benchmarks/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-2}
CONCURRENCY=${CONCURRENCY:-1 16 64}
DAYS=${DAYS:-120}
WRK_THREADS=${WRK_THREADS:-1}
WRK_VERSION=4.1.0

require_tools
# Every process starts in the repository root, as README runs serve.
cd "$ROOT"
if ! command -v wrk >/dev/null; then
  say "installing wrk (Debian package)"
  if [[ $(id -u) == 0 ]]; then
    apt-get install -y -q wrk >&2 || { apt-get update -q >&2 && apt-get install -y -q wrk >&2; }
  else
    sudo apt-get install -y -q wrk >&2
  fi
fi
WRK_BANNER=$(wrk -v 2>&1 | head -n 1 || true)  # wrk -v exits 1
[[ $WRK_BANNER == *"$WRK_VERSION"* ]] || die "expected wrk $WRK_VERSION (got: $WRK_BANNER)"

prepare_run http
say "data and the retrain job ($MODEL)"
outcome=$(train_champion "$WORK/data" "$DAYS")
[[ $(jq -r ".status | ascii_downcase" <<<"$outcome") == promoted ]] || die "training did not promote a champion: $outcome"
VERSION=$(jq -r .version <<<"$outcome")
MODEL_LINE=$(model_line "$VERSION")

write_bodies "$WORK"
PORT=$(free_port)
say "serve on 127.0.0.1:$PORT"
start_serve "$PORT" "$WORK/serve.log"
BASE=http://127.0.0.1:$PORT
PREDICT=$BASE/api/models/$MODEL/predict
CONSTANT=$BASE/bench/constant
check=$(curl -sf -H 'Content-Type: application/json' --data @"$WORK/fixed.json" "$PREDICT") || die "predict failed"
[[ $(jq -r .version <<<"$check") == "$VERSION" ]] || die "serve answers $check, expected version $VERSION"
curl -sf -H 'Content-Type: application/json' --data @"$WORK/fixed.json" "$CONSTANT" >/dev/null || die "/bench/constant failed (is --benchmark-endpoints supported?)"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVE_PID/stat"; }
TICKS=$(getconf CLK_TCK)

SUFFIX=; [[ $MODEL == bike-demand ]] || SUFFIX=-$MODEL
TSV=$OUT_DIR/http$SUFFIX.tsv
printf 'round\tbody\tconnections\tendpoint\trequests\tseconds\treq_per_s\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tnon2xx\tsocket_errors\tserver_cpu_cores\n' >"$TSV"

# measure ROUND BODY C NAME URL: one wrk run holding the lock; appends a TSV row.
measure() {
  local round=$1 body=$2 c=$3 name=$4 url=$5 out before after file
  file=$WORK/$body.json; [[ -f $file ]] || file=$WORK/$body.jsonl
  before=$(cpu_ticks)
  out=$(locked wrk -t"$WRK_THREADS" -c"$c" -d"${DURATION}s" --timeout 10s -s "$ROOT/benchmarks/http/post.lua" "$url" -- "$file") \
    || die "wrk failed: $out"
  after=$(cpu_ticks)
  local line
  line=$(grep '^WRK_RESULT' <<<"$out") || die "no WRK_RESULT in wrk output: $out"
  awk -v round="$round" -v body="$body" -v c="$c" -v name="$name" -v cpu="$((after - before))" -v tck="$TICKS" '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END {
      s = v["duration_us"] / 1e6
      printf "%s\t%s\t%d\t%s\t%d\t%.2f\t%.1f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\t%.2f\n", round, body, c, name,
        v["requests"], s, v["requests"] / s, v["p50_us"] / 1000, v["p90_us"] / 1000, v["p99_us"] / 1000, v["max_us"] / 1000,
        v["non2xx"], v["connect"] + v["read"] + v["write"] + v["timeout"], cpu / tck / s
    }' <<<"$line" | tee -a "$TSV" >&2
}

# pair ROUND BODY C: the constant endpoint and predict back to back, order alternating by round.
pair() {
  local order="constant predict" name url
  (($1 % 2)) || order="predict constant"
  for name in $order; do
    url=$PREDICT; [[ $name == constant ]] && url=$CONSTANT
    measure "$1" "$2" "$3" "$name" "$url"
  done
}

say "warm-up (untimed): 5 s each of constant, predict, batch predict at c=16"
for target in "single.jsonl $CONSTANT" "single.jsonl $PREDICT" "batch100.json $PREDICT"; do
  read -r body url <<<"$target"
  locked wrk -t1 -c16 -d5s -s "$ROOT/benchmarks/http/post.lua" "$url" -- "$WORK/$body" >/dev/null
done

# Bodies: "single" cycles through 100 different requests (real traffic varies; with one input the
# CPU learns the path through the trees and every prediction gets cheaper); "fixed" is one
# request, as in the in-process benchmarks; "batch100" is the same 100 requests in one array.
say "measure: ${DURATION}s per run, $ROUNDS round(s), connections: $CONCURRENCY"
for ((round = 1; round <= ROUNDS; round++)); do
  for c in $CONCURRENCY; do
    pair "$round" single "$c"
  done
  pair "$round" fixed 16
  pair "$round" batch100 16
done

# ---- report -------------------------------------------------------------------------------
col() { awk -F'\t' -v b="$1" -v c="$2" -v n="$3" -v k="$4" 'NR > 1 && $2 == b && $3 == c && $4 == n { print $k }' "$TSV"; }
mean() { col "$@" | awk '{ s += $1; n++ } END { printf "%.0f", n ? s / n : 0 }'; }
mean2() { col "$@" | awk '{ s += $1; n++ } END { printf "%.2f", n ? s / n : 0 }'; }
ratio() { calc %.2f "$(mean "$1" "$2" predict 7) / $(mean "$1" "$2" constant 7)"; }
ratios() { # BODY C -> per-round predict/constant req/s ratios, "min–max"
  awk -F'\t' -v b="$1" -v c="$2" 'NR > 1 && $2 == b && $3 == c { r[$1, $4] = $7; rounds[$1] = 1 }
    END { lo = 1e9; hi = 0; for (k in rounds) { x = r[k, "predict"] / r[k, "constant"]; if (x < lo) lo = x; if (x > hi) hi = x } printf "%.2f–%.2f", lo, hi }' "$TSV"
}
errors() { awk -F'\t' 'NR > 1 { n += $12 + $13 } END { print n + 0 }' "$TSV"; }
row() { # LABEL BODY C NAME [RATIO]
  echo "| $1 | $4 | $(mean "$2" "$3" "$4" 7) | $(mean2 "$2" "$3" "$4" 8) | $(mean2 "$2" "$3" "$4" 10) | $(mean2 "$2" "$3" "$4" 14) | ${5:-} |"
}

R16=$(ratio single 16)
REPORT=$OUT_DIR/http$SUFFIX.md
{
  echo "### HTTP benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Machine: $(machine_line). $(awk '{ print $1, $2 }' <<<"$WRK_BANNER") with $WRK_THREADS thread on the same machine (it shares the 2 cores with the server)."
  echo "Source: $(source_line). Model: $MODEL_LINE; trained on $([[ $MODEL == sms-spam ]] && echo "the shared SMS Spam Collection (train file)" || echo "$DAYS synthetic days")."
  echo "Each run ${DURATION} s, $ROUNDS round(s);"
  echo "req/s and percentiles are means over the rounds; the last column gives the ratio of the means and, in brackets, the per-round ratios."
  echo "Server CPU is the serve process's user+system time over the run, in cores (2 = the whole machine)."
  echo
  echo "| connections | endpoint | req/s | p50 ms | p99 ms | server CPU (cores) | predict / constant req/s |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for c in $CONCURRENCY; do
    row "$c" single "$c" constant
    row "$c" single "$c" predict "**$(ratio single "$c")** ($(ratios single "$c"))"
  done
  row "16, one fixed body" fixed 16 constant
  row "16, one fixed body" fixed 16 predict "**$(ratio fixed 16)** ($(ratios fixed 16))"
  echo
  rp=$(mean batch100 16 predict 7); rs=$(mean single 16 predict 7)
  echo "Batches of 100 at 16 connections (the constant endpoint gets the same 100-item body and ignores it):"
  echo
  echo "| request | req/s | predictions/s | p50 ms | p99 ms | server CPU (cores) |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| constant, 100-item body | $(mean batch100 16 constant 7) | – | $(mean2 batch100 16 constant 8) | $(mean2 batch100 16 constant 10) | $(mean2 batch100 16 constant 14) |"
  echo "| predict, batch of 100 | $rp | $(calc %.0f "$rp * 100") | $(mean2 batch100 16 predict 8) | $(mean2 batch100 16 predict 10) | $(mean2 batch100 16 predict 14) |"
  echo "| predict, single requests (same 100 inputs) | $rs | $rs | $(mean2 single 16 predict 8) | $(mean2 single 16 predict 10) | $(mean2 single 16 predict 14) |"
  echo
  echo "Batching gives $(calc %.2f "$rp * 100 / $rs")x the predictions/s of single requests at 16 connections."
  echo "Target (single predictions at c=16 >= 0.6x the constant endpoint's req/s): $R16 -> $(awk -v r="$R16" 'BEGIN { print (r >= 0.6) ? "met" : "NOT met" }') (one fixed body: $(ratio fixed 16))."
  echo "Failed requests (non-2xx or socket errors) over all runs: $(errors)."
} >"$REPORT"

cat "$REPORT"
echo >&2
echo "Report: $REPORT   raw runs: $TSV" >&2
[[ $(errors) == 0 ]] || { echo "http.sh: some requests failed; see $TSV" >&2; exit 1; }
