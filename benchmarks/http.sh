#!/usr/bin/env bash
# HTTP serving benchmark: wrk against `serverless-ml serve`'s predict route on 127.0.0.1, next to
# the baseline: the plainest app a user could write instead (benchmarks/ServerlessMl.MinimalEndpoint:
# one POST route, the same champion from a local model.zip, a plain engine pool, the body
# deserialized in one pass, no validation, no problem details), at 1, 16 and 64 connections, then
# batches of 100 at 16. Both apps check an API key on every request, as deployed (KEYS=0: neither).
#
#   bash benchmarks/http.sh
#
# Steps: install wrk if missing (Debian package, 4.1.x), build in Release, start a throw-away
# Azurite, generate + upload synthetic data, train a champion, start serve and the minimal app on
# the champion's model.zip, warm up, then for each round and load shape run the two apps back to
# back (order alternates by round), DURATION seconds each. Writes the report to
# artifacts/benchmarks/http.md (raw runs in http.tsv) and stdout; stops everything on exit.
#
# Environment:
#   DURATION=10        seconds per measurement
#   ROUNDS=4           rounds (the table shows medians over rounds, and the spread of the ratios)
#   CONCURRENCY="1 16 64"
#   DAYS=120           synthetic days to train on (bike)
#   MODEL=bike-demand  or sms-spam: the spam champion trained on ../shared's SMS collection, bodies
#                      of 100 of its messages; report in http-sms-spam.md
#   WRK_THREADS=1      wrk threads (1: the load generator takes at most one of the cores)
#   BENCH_LOCK=/tmp/serverlessml-build.lock   held by every build, dotnet run and measurement
#   SKIP_BUILD=1       use the existing Release builds
#   PUBLISH=r2r        run both apps from a ReadyToRun publish (artifacts/benchmarks/publish-r2r)
#   LOG_COMPARE=1      instead: serve with the prediction log off and on at rate 1.0, side by side
#                      (benchmarks/http-log.sh; report artifacts/benchmarks/http-log.md)
#   KEYS=1             serve with --api-key/--admin-key and the minimal endpoint checking the same
#                      key, every request sending it (x-functions-key); 0: no keys on either
set -euo pipefail
[[ ${LOG_COMPARE:-0} != 1 ]] || exec bash "$(dirname "${BASH_SOURCE[0]}")/http-log.sh"
# shellcheck source=benchmarks/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-4}
CONCURRENCY=${CONCURRENCY:-1 16 64}
DAYS=${DAYS:-120}
WRK_THREADS=${WRK_THREADS:-1}
WRK_VERSION=4.1.0
KEYS=${KEYS:-1}
API_KEY=; KEY_HEADER=()
if [[ $KEYS == 1 ]]; then
  API_KEY=bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  SERVE_ARGS="--api-key $API_KEY --admin-key admin-$API_KEY"
  MINIMAL_KEY=$API_KEY
  KEY_HEADER=(-H "x-functions-key: $API_KEY")
fi

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
[[ $KEYS != 1 ]] || [[ $(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data @"$WORK/fixed.json" "$PREDICT") == 401 ]] \
  || die "serve answered a request without its key"
check=$(curl -sf -H 'Content-Type: application/json' "${KEY_HEADER[@]}" --data @"$WORK/fixed.json" "$PREDICT") || die "predict failed"
[[ $(jq -r .version <<<"$check") == "$VERSION" ]] || die "serve answers $check, expected version $VERSION"

ZIP=$(champion_zip "$WORK/minimal")
MPORT=$(free_port)
say "minimal endpoint on 127.0.0.1:$MPORT ($ZIP)"
start_minimal "$MPORT" "$WORK/minimal.log" "$ZIP"
MINIMAL=http://127.0.0.1:$MPORT/predict
[[ $KEYS != 1 ]] || [[ $(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data @"$WORK/fixed.json" "$MINIMAL") == 401 ]] \
  || die "the minimal endpoint answered a request without its key"
mcheck=$(curl -sf -H 'Content-Type: application/json' "${KEY_HEADER[@]}" --data @"$WORK/fixed.json" "$MINIMAL") || die "minimal predict failed"
[[ $(jq -c 'del(.version)' <<<"$mcheck") == $(jq -c 'del(.version)' <<<"$check") ]] || die "the two apps disagree: serve $check, minimal $mcheck"

pid_of() { if [[ $1 == serve ]]; then echo "$SERVE_PID"; else echo "$MINIMAL_PID"; fi; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)

SUFFIX=; [[ $MODEL == bike-demand ]] || SUFFIX=-$MODEL; [[ $PUBLISH == r2r ]] && SUFFIX=$SUFFIX-r2r
TSV=$OUT_DIR/http$SUFFIX.tsv
printf 'round\tbody\tconnections\tapp\trequests\tseconds\treq_per_s\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tnon2xx\tsocket_errors\tserver_cpu_cores\n' >"$TSV"

# measure ROUND BODY C APP URL: one wrk run holding the lock; appends a TSV row.
measure() {
  local round=$1 body=$2 c=$3 name=$4 url=$5 out before after file pid
  file=$WORK/$body.json; [[ -f $file ]] || file=$WORK/$body.jsonl
  pid=$(pid_of "$name")
  before=$(cpu_ticks "$pid")
  out=$(locked wrk -t"$WRK_THREADS" -c"$c" -d"${DURATION}s" --timeout 10s -s "$ROOT/benchmarks/http/post.lua" "$url" -- "$file" "$API_KEY") \
    || die "wrk failed: $out"
  after=$(cpu_ticks "$pid")
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

# pair ROUND BODY C: the minimal app and serve back to back, order alternating by round.
pair() {
  local order="minimal serve" name url
  (($1 % 2)) || order="serve minimal"
  for name in $order; do
    url=$PREDICT; [[ $name == minimal ]] && url=$MINIMAL
    measure "$1" "$2" "$3" "$name" "$url"
  done
}

say "warm-up (untimed): 5 s each of single and batch requests at c=16, both apps"
for target in "single.jsonl $MINIMAL" "single.jsonl $PREDICT" "batch100.json $MINIMAL" "batch100.json $PREDICT"; do
  read -r body url <<<"$target"
  locked wrk -t1 -c16 -d5s -s "$ROOT/benchmarks/http/post.lua" "$url" -- "$WORK/$body" "$API_KEY" >/dev/null
done

# Bodies: "single" cycles through 100 different requests (real traffic varies; with one input the
# CPU learns the path through the trees and every prediction gets cheaper); "batch100" is the same
# 100 requests in one array.
say "measure: ${DURATION}s per run, $ROUNDS round(s), connections: $CONCURRENCY, then batches at 16"
for ((round = 1; round <= ROUNDS; round++)); do
  for c in $CONCURRENCY; do
    pair "$round" single "$c"
  done
  pair "$round" batch100 16
done

# ---- report -------------------------------------------------------------------------------
col() { awk -F'\t' -v b="$1" -v c="$2" -v n="$3" -v k="$4" 'NR > 1 && $2 == b && $3 == c && $4 == n { print $k }' "$TSV"; }
med0() { col "$@" | median | xargs printf %.0f; }
med2() { col "$@" | median | xargs printf %.2f; }
# round_ratios BODY C COLUMN: serve / minimal of COLUMN, one line per round.
round_ratios() {
  awk -F'\t' -v b="$1" -v c="$2" -v k="$3" 'NR > 1 && $2 == b && $3 == c { v[$1, $4] = $k; rounds[$1] = 1 }
    END { for (r in rounds) printf "%.4f\n", v[r, "serve"] / v[r, "minimal"] }' "$TSV"
}
# Three decimals, and the verdict from the unrounded median: at two, 0.996 would print as 1.00 and pass.
ratio_raw() { round_ratios "$1" "$2" 7 | median; }
ratio() { ratio_raw "$1" "$2" | xargs printf %.3f; }
spread() { round_ratios "$1" "$2" 7 | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f–%.2f", v[1], v[NR] }'; }
errors() { awk -F'\t' 'NR > 1 { n += $12 + $13 } END { print n + 0 }' "$TSV"; }
row() { # LABEL BODY C [x100]
  local m s k=${4:-1}
  m=$(med0 "$2" "$3" minimal 7); s=$(med0 "$2" "$3" serve 7)
  echo "| $1 | $((m * k)) | $((s * k)) | **$(ratio "$2" "$3")** | $(spread "$2" "$3") | $(med2 "$2" "$3" minimal 10) / $(med2 "$2" "$3" serve 10) | $(med2 "$2" "$3" minimal 14) / $(med2 "$2" "$3" serve 14) |"
}
worst=1e9
for shape in $(printf 'single:%s ' $CONCURRENCY) batch100:16; do
  r=$(ratio_raw "${shape%:*}" "${shape#*:}"); worst=$(awk -v a="$worst" -v b="$r" 'BEGIN { print (b < a) ? b : a }')
done

REPORT=$OUT_DIR/http$SUFFIX.md
{
  echo "### HTTP benchmark: serve against the minimal endpoint ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Machine: $(machine_line). $(awk '{ print $1, $2 }' <<<"$WRK_BANNER") with $WRK_THREADS thread on the same machine (it shares the 2 cores with the server)."
  echo "Source: $(source_line). Model: $MODEL_LINE; trained on $([[ $MODEL == sms-spam ]] && echo "the shared SMS Spam Collection (train file)" || echo "$DAYS synthetic days")."
  echo "Binaries: $(binaries_line)."
  echo "Baseline: benchmarks/ServerlessMl.MinimalEndpoint on the same model.zip (local file, plain engine pool, one-pass deserialization, no validation, no problem details)."
  echo "Keys: $([[ $KEYS == 1 ]] && echo "both apps check an API key on every request (serve --api-key/--admin-key; the minimal endpoint the same key), sent as x-functions-key" || echo "none (KEYS=0)")."
  echo "Each run ${DURATION} s, $ROUNDS rounds, the two apps back to back in alternating order; figures are medians over the rounds."
  echo "The ratio is serve ÷ minimal (≥ 1.00: serve is at least as fast), per round, median and range. Server CPU: the app's user+system time over the run, in cores."
  echo
  echo "| load | minimal, predictions/s | serve, predictions/s | serve ÷ minimal | range over rounds | p99 ms, minimal / serve | server CPU, minimal / serve |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for c in $CONCURRENCY; do
    row "single requests, c=$c" single "$c"
  done
  row "batches of 100, c=16" batch100 16 100
  echo
  echo "Lowest ratio (median over rounds): $(printf %.3f "$worst") -> target ≥ 1.00 $(awk -v r="$worst" 'BEGIN { print (r >= 1.0) ? "met" : "NOT met" }')."
  echo "Failed requests (non-2xx or socket errors) over all runs: $(errors)."
} >"$REPORT"

cat "$REPORT"
echo >&2
echo "Report: $REPORT   raw runs: $TSV" >&2
[[ $(errors) == 0 ]] || { echo "http.sh: some requests failed; see $TSV" >&2; exit 1; }
