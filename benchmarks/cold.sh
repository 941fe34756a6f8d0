#!/usr/bin/env bash
# Cold-path benchmark: launching serve to its first successful prediction (the model
# from blob storage, as in production) against the minimal endpoint (benchmarks/ServerlessMl.
# MinimalEndpoint: the plainest app a user could write instead, its model.zip a local file), with
# each one's start-up phases (SERVERLESSML_STARTUP_TIMELINE) and the CPU time it had used by its
# first prediction; then (a) serve to its first prediction against (b) the same serve process
# whose first request loads the champion by hand instead (`POST /bench/by-hand/{model}/predict`:
# alias, model.zip, Model.Load, one engine, predict; no pool), and against (b0) a bare console
# process that only does that by-hand load and prediction (`ServerlessMl.Benchmarks.dll
# cold-baseline`, no web host); then (c) a promotion to the first
# prediction from the new version, on the instance that was asked to promote and on a second
# instance that only notices on its next refresh (Serving__ModelRefreshSeconds=2).
#
# Every cold launch of serve runs `ServerlessMl.Benchmarks.dll serve`: serverless-ml serve's own
# command, host and routes, with the /bench endpoints and the start-up timeline hooked in from
# benchmarks/ (BenchServe.cs), so the product carries none of them. The promotion instances are
# `serverless-ml serve` as shipped.
#
#   bash benchmarks/cold.sh
#
# Every launch is a fresh process, started in the repository root, timed by benchmarks/probe.mjs
# from just before it is spawned; the kinds run interleaved (serve, by-hand, baseline, ...) after
# one untimed launch of each, and each timed launch or promotion holds the lock. Writes artifacts/benchmarks/cold.md
# (raw runs in cold.tsv) and stdout.
#
# Environment:
#   RUNS=7             timed launches of each kind (medians reported)
#   PROMOTIONS=6       promotions, alternating between the two versions
#   REFRESH_SECONDS=2  Serving__ModelRefreshSeconds of the second instance
#   DAYS=120           synthetic days for version 0001; version 0002 adds 7 more
#   BENCH_LOCK=/tmp/serverlessml-build.lock   SKIP_BUILD=1
#   PUBLISH=r2r        launch both apps from a ReadyToRun publish (as the Functions app is deployed)
set -euo pipefail
# shellcheck source=benchmarks/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS=${RUNS:-7}
PROMOTIONS=${PROMOTIONS:-6}
REFRESH_SECONDS=${REFRESH_SECONDS:-2}
DAYS=${DAYS:-120}
PROBE=$ROOT/benchmarks/probe.mjs

require_tools
# Every process starts in the repository root, as README runs serve.
cd "$ROOT"
prepare_run cold
say "two versions: $DAYS days, then $((DAYS + 7)) days"
[[ $MODEL == bike-demand ]] || die "cold.sh measures bike-demand only (its bare-process baselines load that model)"
first=$(train_champion "$WORK/data" "$DAYS")
[[ $(jq -r ".status | ascii_downcase" <<<"$first") == promoted ]] || die "first training did not promote a champion: $first"
second=$(train_champion "$WORK/data" "$((DAYS + 7))")
[[ $(jq -r ".status | ascii_downcase" <<<"$second") =~ ^(promoted|rejected)$ ]] || die "second training stored no version: $second"
CHAMPION=$(jq -r .champion <<<"$second")
V1=$(jq -r .version <<<"$first"); V2=$(jq -r .version <<<"$second")
MODEL_LINE=$(model_line "$V1")
say "versions $V1 and $V2; champion $CHAMPION (second run: $(jq -r .status <<<"$second"))"

write_bodies "$WORK"
ZIP=$(champion_zip "$WORK/minimal")
# Every launch logs its start-up phases (one stderr line each); the breakdown reads them.
export SERVERLESSML_STARTUP_TIMELINE=1
# A ReadyToRun run keeps its own files beside the build run's.
SUFFIX=$([[ $PUBLISH == r2r ]] && echo -r2r || true)
PHASES=$OUT_DIR/cold$SUFFIX-phases.tsv
printf 'kind\trun\tms\tphase\n' >"$PHASES"
TSV=$OUT_DIR/cold$SUFFIX.tsv
printf 'kind\trun\tms\taccept_ms\tconstant_ms\tversion\tcpu_ms\n' >"$TSV"

launch_serve() { # [split|lazy|bench|byhand] -> JSON from probe launch. Every launch is serve's own
  # host and routes run by `ServerlessMl.Benchmarks.dll serve`, which adds the /bench endpoints and the
  # start-up timeline. split: first the constant endpoint, then predict; bench: lazy, first request to
  # predict; byhand: the same, first request to the by-hand endpoint.
  local port path=/api/models/$MODEL/predict
  local -a first=() extra=()
  port=$(free_port)
  case ${1:-} in
    split) first=(--first-url "http://127.0.0.1:$port/bench/constant"); extra=(--lazy) ;;
    lazy|bench) extra=(--lazy) ;;
    byhand) extra=(--lazy); path=/bench/by-hand/$MODEL/predict ;;
  esac
  locked node "$PROBE" launch --url "http://127.0.0.1:$port$path" "${first[@]}" --body "$WORK/fixed.json" \
    --log "$WORK/serve-cold.log" -- dotnet "$BENCH_DLL" serve --port "$port" "${extra[@]}"
}
serve_row() { # KIND RUN JSON
  printf '%s\t%d\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$(jq -r .firstPredictionMs <<<"$3")" "$(jq -r .acceptMs <<<"$3")" \
    "$(jq -r '.firstUrlMs // ""' <<<"$3")" "$(jq -r .version <<<"$3")" "$(jq -r '.cpuMs // ""' <<<"$3")" | tee -a "$TSV" >&2
}
launch_minimal() { # -> JSON from probe launch: the baseline app, first 200 from its POST /predict
  local port
  port=$(free_port)
  locked node "$PROBE" launch --url "http://127.0.0.1:$port/predict" --body "$WORK/fixed.json" \
    --log "$WORK/minimal-cold.log" -- dotnet "$MINIMAL_DLL" "$MODEL" "$ZIP" "$port"
}
# timed KIND RUN LOG COMMAND...: runs a launch with LOG emptied first, then files LOG's start-up phases under KIND.
timed() {
  local kind=$1 run=$2 log=$3
  shift 3
  : >"$log"
  "$@"
  awk -v k="$kind" -v r="$run" '$1 == "startup-timeline" { ms = $2; $1 = ""; $2 = ""; sub(/^ +/, ""); printf "%s\t%d\t%s\t%s\n", k, r, ms, $0 }' "$log" >>"$PHASES"
}
launch_stdout() { # MODE -> JSON from probe stdout
  locked node "$PROBE" stdout -- dotnet "$BENCH_DLL" "$1"
}

say "the by-hand baseline answers exactly what the pool answers"
PORT_C=$(free_port); SERVE_DLL=$BENCH_DLL start_serve "$PORT_C" "$WORK/serve-check.log"
pooled=$(curl -sf -H 'Content-Type: application/json' --data @"$WORK/fixed.json" "http://127.0.0.1:$PORT_C/api/models/$MODEL/predict") || die "pool predict failed"
byhand=$(curl -sf -H 'Content-Type: application/json' --data @"$WORK/fixed.json" "http://127.0.0.1:$PORT_C/bench/by-hand/$MODEL/predict") || die "by-hand predict failed"
[[ $pooled == "$byhand" ]] || die "the by-hand load answers $byhand, the pool $pooled"
stop_serves

say "cold start: one untimed launch of each, then $RUNS timed rounds"
launch_serve lazy >/dev/null
launch_serve >/dev/null; launch_serve split >/dev/null; launch_serve bench >/dev/null; launch_serve byhand >/dev/null
launch_stdout cold-baseline >/dev/null; launch_stdout cold-pool >/dev/null; launch_minimal >/dev/null
for ((run = 1; run <= RUNS; run++)); do
  r=$(timed minimal "$run" "$WORK/minimal-cold.log" launch_minimal)
  printf 'minimal\t%d\t%s\t%s\t\t%s\t%s\n' "$run" "$(jq -r .firstPredictionMs <<<"$r")" "$(jq -r .acceptMs <<<"$r")" "$(jq -r .version <<<"$r")" "$(jq -r '.cpuMs // ""' <<<"$r")" | tee -a "$TSV" >&2
  serve_row serve "$run" "$(timed serve "$run" "$WORK/serve-cold.log" launch_serve)"
  serve_row serve-byhand "$run" "$(launch_serve byhand)"
  serve_row serve-bench "$run" "$(launch_serve bench)"
  for mode in cold-baseline cold-pool; do
    r=$(launch_stdout "$mode")
    printf '%s\t%d\t%s\t\t\t%s\n' "$mode" "$run" "$(jq -r .firstLineMs <<<"$r")" "$(jq -r '.line | fromjson | .version' <<<"$r")" | tee -a "$TSV" >&2
  done
  serve_row serve-split "$run" "$(launch_serve split)"
  serve_row serve-lazy "$run" "$(timed serve-lazy "$run" "$WORK/serve-cold.log" launch_serve lazy)"
done

say "promotion: instance A is asked to promote; instance B re-checks every ${REFRESH_SECONDS}s"
PORT_A=$(free_port); start_serve "$PORT_A" "$WORK/serve-a.log"
PORT_B=$(free_port); start_serve "$PORT_B" "$WORK/serve-b.log" "Serving__ModelRefreshSeconds=$REFRESH_SECONDS"
for port in "$PORT_A" "$PORT_B"; do
  curl -sf -H 'Content-Type: application/json' --data @"$WORK/fixed.json" "http://127.0.0.1:$port/api/models/$MODEL/predict" >/dev/null \
    || die "instance on $port does not predict"
done
PTSV=$OUT_DIR/promotion$SUFFIX.tsv
printf 'run\tversion\tpromote_response_ms\tA_first_new_ms\tB_first_new_ms\tB_requests\twait_ms\tB_after_due_ms\n' >"$PTSV"
current=$CHAMPION
for ((run = 1; run <= PROMOTIONS; run++)); do
  target=$V1; [[ $current == "$V1" ]] && target=$V2
  sleep "$REFRESH_SECONDS"  # let B settle into its refresh rhythm on the current version
  r=$(locked node "$PROBE" promote --admin "http://127.0.0.1:$PORT_A/api/models/$MODEL/promote" --version "$target" \
    --body "$WORK/fixed.json" --timeout-ms 30000 --random-wait-ms "$((REFRESH_SECONDS * 1000))" \
    --watch "A=http://127.0.0.1:$PORT_A/api/models/$MODEL/predict" \
    --watch "B=http://127.0.0.1:$PORT_B/api/models/$MODEL/predict")
  # B's check fell due (REFRESH - wait) ms after the promotion: what B took beyond that is its own work.
  printf '%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$target" "$(jq -r .promoteResponseMs <<<"$r")" "$(jq -r .AMs <<<"$r")" "$(jq -r .BMs <<<"$r")" \
    "$(jq -r .BRequests <<<"$r")" "$(jq -r .waitMs <<<"$r")" "$(jq -r --argjson p "$((REFRESH_SECONDS * 1000))" '.BMs - ([$p - .waitMs, 0] | max) | . * 10 | round / 10' <<<"$r")" | tee -a "$PTSV" >&2
  current=$target
done

# ---- report -------------------------------------------------------------------------------
col() { awk -F'\t' -v k="$1" -v c="$2" 'NR > 1 && $1 == k && $c != "" { print $c }' "$TSV"; }
med() { col "$1" "$2" | median; }
rng() { col "$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { printf "%.0f–%.0f", v[1], v[NR] }'; }
pcol() { awk -F'\t' -v c="$1" 'NR > 1 { print $c }' "$PTSV"; }
prng() { pcol "$1" | sort -g | awk '{ v[NR] = $1 } END { printf "%.0f–%.0f", v[1], v[NR] }'; }
cell() { echo "$(calc %.0f "$(med "$1" "$2")") | $(rng "$1" "$2")"; }
pair() { echo "$(calc %.0f "$(med "$1" "$2")") ($(rng "$1" "$2"))"; }
pcell() { echo "$(calc %.0f "$(pcol "$1" | median)") | $(prng "$1")"; }

M=$(med minimal 3); RM=$(calc %.2f "$(med serve 3) / $M"); RML=$(calc %.2f "$(med serve-lazy 3) / $M")
# phase_table KIND: median ms of each start-up phase over the runs, in order of the medians.
phase_table() {
  awk -F'\t' -v k="$1" 'NR > 1 && $1 == k { print $4 "\t" $3 }' "$PHASES" | sort -t$'\t' -k1,1 -k2,2g |
    awk -F'\t' '{ v[$1] = v[$1] " " $2; n[$1]++ } END { for (p in v) { split(substr(v[p], 2), a, " "); m = (n[p] % 2) ? a[(n[p] + 1) / 2] : (a[n[p] / 2] + a[n[p] / 2 + 1]) / 2; printf "%.0f\t%s\n", m, p } }' |
    sort -g | awk -F'\t' '{ printf "| %s | %s |\n", $2, $1 }'
}
S=$(med serve 3); SB=$(med serve-bench 3); H=$(med serve-byhand 3); B=$(med cold-baseline 3); P=$(med cold-pool 3)
RATIO=$(calc %.2f "$SB / $H")
verdict() { awk -v r="$1" 'BEGIN { print (r <= 1.2) ? "met" : "NOT met" }'; }
REPORT=$OUT_DIR/cold$SUFFIX.md
{
  echo "### Cold-path benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "Machine: $(machine_line). Azurite on 127.0.0.1."
  echo "Source: $(source_line). Model: $MODEL_LINE (version $V2 alike, 7 more days)."
  echo "Binaries: $(binaries_line)."
  echo "$RUNS timed launches of each kind, interleaved, after one untimed launch of each; ms from spawn, median and range."
  echo
  echo "| process | ms, median | range |"
  echo "|---|---:|---:|"
  echo "| **minimal endpoint** (benchmarks/ServerlessMl.MinimalEndpoint, model.zip a local file): first 200 from POST /predict | $(cell minimal 3) |"
  echo "| … of which: until it accepted the first connection | $(cell minimal 4) |"
  echo "| (a) \`ServerlessMl.Benchmarks.dll serve --lazy\`: first 200 from POST /api/models/$MODEL/predict (the pool) | $(cell serve-bench 3) |"
  echo "| (b) the same process: first 200 from POST /bench/by-hand/$MODEL/predict (alias, model.zip, Model.Load, one engine, predict; no pool) | $(cell serve-byhand 3) |"
  echo "| serve (loads the champion while starting): first 200 from POST /predict | $(cell serve 3) |"
  echo "| … of which: until serve accepted the first connection | $(cell serve 4) |"
  echo "| serve --lazy (champion loaded by the first request): first 200 from POST /predict | $(cell serve-lazy 3) |"
  echo "| split run (\`ServerlessMl.Benchmarks.dll serve --lazy\`): first 200 from POST /bench/constant (web host, no model) | $(cell serve-split 5) |"
  echo "| split run: then first 200 from POST /predict | $(cell serve-split 3) |"
  echo "| (b0) bare console process, no web host: \`ServerlessMl.Benchmarks.dll cold-baseline\` (alias, model.zip, Model.Load, one engine, predict, print) | $(cell cold-baseline 3) |"
  echo "| bare console process: the app's service graph + ModelPool (manifest, sha256, warm engine), \`cold-pool\` | $(cell cold-pool 3) |"
  echo
  echo "**serve ÷ minimal endpoint**, process start to first prediction, medians: **$RM** (target ≤ 1.10: $(awk -v r="$RM" 'BEGIN { print (r <= 1.1) ? "met" : "NOT met" }')); serve --lazy ÷ minimal: $RML."
  echo
  echo "CPU time (user + system, all threads) each process had used when its first prediction arrived, median and range: minimal endpoint $(pair minimal 7) ms; serve $(pair serve 7) ms; serve --lazy $(pair serve-lazy 7) ms. On two cores, a start that needs more CPU than the other cannot finish as soon."
  echo
  echo "Start-up phases (median ms from process start over the $RUNS runs; SERVERLESSML_STARTUP_TIMELINE=1 lines, the process's start time read at 10 ms resolution):"
  echo
  echo "| serve phase | ms |"
  echo "|---|---:|"
  phase_table serve
  echo
  echo "| serve --lazy phase | ms |"
  echo "|---|---:|"
  phase_table serve-lazy
  echo
  echo "| minimal endpoint phase | ms |"
  echo "|---|---:|"
  phase_table minimal
  echo
  echo "Ratio (a)/(b), serve's first prediction through the pool against the same process loading by hand, medians: **$RATIO** (target ≤ 1.20: $(verdict "$RATIO"))."
  echo "Against the bare console process (b0): serve $(calc %.2f "$S / $B"), serve --lazy $(calc %.2f "$(med serve-lazy 3) / $B"), cold-pool $(calc %.2f "$P / $B"); the web host alone (split run's constant answer) is $(calc %.2f "$(med serve-split 5) / $B") of (b0)."
  echo
  echo "Promotion ($PROMOTIONS times, alternating $V1 ↔ $V2), ms from sending POST /promote to instance A. B is a second"
  echo "serve instance on the same storage with Serving__ModelRefreshSeconds=$REFRESH_SECONDS, polled continuously; the"
  echo "promotion falls at a random point of B's refresh interval (its check is started by a request once due)."
  echo
  echo "| | median ms | range |"
  echo "|---|---:|---:|"
  echo "| A: promote response (alias written, new version loaded and swapped in) | $(pcell 3) |"
  echo "| A: first prediction from the new version | $(pcell 4) |"
  echo "| B: first prediction from the new version | $(pcell 5) |"
  echo "| B: the same, counted from when its next check fell due | $(pcell 8) |"
} >"$REPORT"

cat "$REPORT"
echo >&2
echo "Report: $REPORT   raw runs: $TSV, $PTSV" >&2
