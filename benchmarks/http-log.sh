#!/usr/bin/env bash
# The prediction log's cost on the HTTP predict path: wrk against two `serverless-ml serve`
# instances on the same champion, one with the log off (Monitoring__SampleRate=0) and one with
# every request logged (Monitoring__SampleRate=1, the default flush interval), at each connection
# count and with batches of 100 at 16, the two back to back in alternating order per round.
#
#   LOG_COMPARE=1 bash benchmarks/http.sh      (or bash benchmarks/http-log.sh)
#
# Server CPU is each instance's user+system time per request (per item for batches). The logging
# instance makes its lines as requests arrive and appends them every Monitoring__FlushSeconds (sooner
# when a block fills): after each of its runs the script waits FLUSH_WAIT seconds and adds the CPU the
# instance spent meanwhile (its writer finishing and appending the lines) to that run. Azurite's own
# CPU is not counted in it (in Azure the log goes to a storage account, not to the serving machine)
# but shown beside it, measured over the same windows: it shares the two cores with serve and wrk.
# Both instances run serve's host from the benchmark app (for GET /bench/log-counts: the lines the
# logging instance wrote and dropped, in the report) with the default Monitoring__QueueCapacity
# unless QUEUE_CAPACITY is set.
# Report: artifacts/benchmarks/http-log.md.
#
# Environment: DURATION (10), ROUNDS (8), CONCURRENCY ("16"), DAYS, WRK_THREADS, SKIP_BUILD, KEYS as
# for http.sh; FLUSH_WAIT=11 (seconds: one default flush interval and a second); QUEUE_CAPACITY (unset: the default).
set -euo pipefail
# shellcheck source=benchmarks/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-8}
CONCURRENCY=${CONCURRENCY:-16}
DAYS=${DAYS:-120}
WRK_THREADS=${WRK_THREADS:-1}
FLUSH_WAIT=${FLUSH_WAIT:-11}
QUEUE_CAPACITY=${QUEUE_CAPACITY:-}
KEYS=${KEYS:-1}
API_KEY=
if [[ $KEYS == 1 ]]; then
  API_KEY=bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  SERVE_ARGS="--api-key $API_KEY --admin-key admin-$API_KEY"
fi

require_tools
command -v wrk >/dev/null || die "wrk not found (bash benchmarks/http.sh installs it)"
cd "$ROOT"
prepare_run http-log
say "data and the retrain job ($MODEL)"
outcome=$(train_champion "$WORK/data" "$DAYS")
[[ $(jq -r ".status | ascii_downcase" <<<"$outcome") == promoted ]] || die "training did not promote a champion: $outcome"
MODEL_LINE=$(model_line "$(jq -r .version <<<"$outcome")")
write_bodies "$WORK"

export SERVE_DLL=$BENCH_DLL
declare -A PID URL BASE
for app in off on; do
  port=$(free_port)
  rate=0; [[ $app == on ]] && rate=1
  say "serve, log $app (Monitoring__SampleRate=$rate), on 127.0.0.1:$port"
  start_serve "$port" "$WORK/serve-$app.log" Monitoring__SampleRate=$rate ${QUEUE_CAPACITY:+Monitoring__QueueCapacity=$QUEUE_CAPACITY}
  PID[$app]=$SERVE_PID
  URL[$app]=http://127.0.0.1:$port/api/models/$MODEL/predict
  BASE[$app]=http://127.0.0.1:$port
  curl -sf -H 'Content-Type: application/json' ${API_KEY:+-H "x-functions-key: $API_KEY"} --data @"$WORK/fixed.json" "${URL[$app]}" >/dev/null \
    || die "serve (log $app) did not predict"
done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)
TSV=$OUT_DIR/http-log.tsv
printf 'round\tbody\tconnections\tapp\trequests\tseconds\treq_per_s\tp99_ms\tnon2xx\tsocket_errors\tcpu_us_per_item\tazurite_cpu_us_per_item\n' >"$TSV"

# measure ROUND BODY C APP: one wrk run holding the lock (for the logging instance, then the wait
# for its writer); appends a TSV row.
measure() {
  local round=$1 body=$2 c=$3 app=$4 out before after az_before az_after file items=1
  file=$WORK/$body.json; [[ -f $file ]] || file=$WORK/$body.jsonl
  [[ $body == batch100 ]] && items=100
  before=$(cpu_ticks "${PID[$app]}")
  az_before=$(cpu_ticks "$AZURITE_PID")
  out=$(locked wrk -t"$WRK_THREADS" -c"$c" -d"${DURATION}s" --timeout 10s -s "$ROOT/benchmarks/http/post.lua" "${URL[$app]}" -- "$file" "$API_KEY") \
    || die "wrk failed: $out"
  [[ $app == on ]] && locked sleep "$FLUSH_WAIT"
  after=$(cpu_ticks "${PID[$app]}")
  az_after=$(cpu_ticks "$AZURITE_PID")
  grep '^WRK_RESULT' <<<"$out" | awk -v round="$round" -v body="$body" -v c="$c" -v app="$app" -v cpu="$((after - before))" -v az="$((az_after - az_before))" -v tck="$TICKS" -v k="$items" '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END {
      s = v["duration_us"] / 1e6
      printf "%s\t%s\t%d\t%s\t%d\t%.2f\t%.1f\t%.3f\t%d\t%d\t%.2f\t%.2f\n", round, body, c, app, v["requests"], s, v["requests"] / s,
        v["p99_us"] / 1000, v["non2xx"], v["connect"] + v["read"] + v["write"] + v["timeout"], cpu / tck * 1e6 / (v["requests"] * k),
        az / tck * 1e6 / (v["requests"] * k)
    }' | tee -a "$TSV" >&2
}

pair() { # ROUND BODY C
  local order="off on" app
  (($1 % 2)) || order="on off"
  for app in $order; do measure "$1" "$2" "$3" "$app"; done
}

say "warm-up (untimed): 5 s of single and batch requests at c=16 on each instance, then one flush interval"
for app in off on; do
  for body in single.jsonl batch100.json; do
    locked wrk -t1 -c16 -d5s -s "$ROOT/benchmarks/http/post.lua" "${URL[$app]}" -- "$WORK/$body" "$API_KEY" >/dev/null
  done
done
sleep "$FLUSH_WAIT"

say "measure: ${DURATION}s per run, $ROUNDS round(s), connections: $CONCURRENCY, then batches at 16"
for ((round = 1; round <= ROUNDS; round++)); do
  for c in $CONCURRENCY; do pair "$round" single "$c"; done
  pair "$round" batch100 16
done

COUNTS=$(curl -sf "${BASE[on]}/bench/log-counts") || die "the logging instance did not give its log counts"

# ---- report -------------------------------------------------------------------------------
col() { awk -F'\t' -v b="$1" -v c="$2" -v n="$3" -v k="$4" 'NR > 1 && $2 == b && $3 == c && $4 == n { print $k }' "$TSV"; }
med() { col "$@" | median | xargs printf "%.${5:-0}f"; }
# ratios BODY C COLUMN: on / off of COLUMN, one line per round.
ratios() {
  awk -F'\t' -v b="$1" -v c="$2" -v k="$3" 'NR > 1 && $2 == b && $3 == c { v[$1, $4] = $k; rounds[$1] = 1 }
    END { for (r in rounds) printf "%.4f\n", v[r, "on"] / v[r, "off"] }' "$TSV"
}
spread() { ratios "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f–%.2f", v[1], v[NR] }'; }
row() { # LABEL BODY C
  echo "| $1 | $(med "$2" "$3" off 7) | $(med "$2" "$3" on 7) | **$(ratios "$2" "$3" 7 | median | xargs printf %.3f)** | $(spread "$2" "$3" 7) | $(med "$2" "$3" off 11 2) / $(med "$2" "$3" on 11 2) | **$(ratios "$2" "$3" 11 | median | xargs printf %.3f)** | $(med "$2" "$3" off 8 2) / $(med "$2" "$3" on 8 2) | $(med "$2" "$3" off 12 2) / $(med "$2" "$3" on 12 2) |"
}
errors() { awk -F'\t' 'NR > 1 { n += $9 + $10 } END { print n + 0 }' "$TSV"; }

REPORT=$OUT_DIR/http-log.md
{
  echo "### HTTP benchmark: the prediction log off and on ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Machine: $(machine_line). wrk with $WRK_THREADS thread on the same machine. Source: $(source_line). Model: $MODEL_LINE."
  echo "Two serve instances on the same champion: Monitoring__SampleRate=0 (off) and =1 (on, flush every Monitoring__FlushSeconds, default); both with Monitoring__QueueCapacity=${QUEUE_CAPACITY:-default}. The logging instance wrote $(jq -r .written <<<"$COUNTS") lines and dropped $(jq -r .dropped <<<"$COUNTS") (warm-up included). Keys: $([[ $KEYS == 1 ]] && echo "checked on every request" || echo none)."
  echo "Each run ${DURATION} s, $ROUNDS rounds, the two back to back in alternating order; figures are medians over the rounds, ratios on ÷ off per round."
  echo "Server CPU per item includes, for the logging instance, its writer's work in the ${FLUSH_WAIT} s after each run; Azurite's CPU is not counted in it but shown in the last column, over the same windows."
  echo
  echo "| load | off, requests/s | on, requests/s | on ÷ off | range over rounds | server CPU µs/item, off / on | CPU on ÷ off | p99 ms, off / on | Azurite CPU µs/item, off / on |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for c in $CONCURRENCY; do row "single requests, c=$c" single "$c"; done
  row "batches of 100, c=16" batch100 16
  echo
  echo "Failed requests (non-2xx or socket errors) over all runs: $(errors)."
} >"$REPORT"

cat "$REPORT"
echo "Report: $REPORT   raw runs: $TSV" >&2
[[ $(errors) == 0 ]] || { echo "http-log.sh: some requests failed; see $TSV" >&2; exit 1; }
