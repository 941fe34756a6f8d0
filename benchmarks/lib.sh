# Shared by benchmarks/http.sh and benchmarks/cold.sh (source it; not a script of its own).
# Builds in Release, starts a throw-away Azurite, trains a champion on synthetic data and starts
# `serverless-ml serve` instances; every dotnet build/run and every timed section holds
# $BENCH_LOCK (flock), so on a shared machine builds and measurements never overlap.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCK=${BENCH_LOCK:-/tmp/serverlessml-build.lock}
CLI=$ROOT/src/ServerlessMl.Cli/bin/Release/net10.0/serverless-ml.dll
BENCH_DLL=$ROOT/benchmarks/ServerlessMl.Benchmarks/bin/Release/net10.0/ServerlessMl.Benchmarks.dll
# The baseline: the plainest app a user could write instead (one route, a local model.zip, a plain engine pool).
MINIMAL_DLL=$ROOT/benchmarks/ServerlessMl.MinimalEndpoint/bin/Release/net10.0/ServerlessMl.MinimalEndpoint.dll
# Reports; scripts/bench-smoke.sh points it elsewhere so a smoke run never replaces a real one.
OUT_DIR=${OUT_DIR:-$ROOT/artifacts/benchmarks}
# MODEL=sms-spam measures the spam model (http.sh; needs ../shared's SMS collection); cold.sh is bike only.
MODEL=${MODEL:-bike-demand}
SPAM_DATA=$ROOT/../shared/datasets/sms-spam-collection/SMSSpamCollection.train
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

die() { echo "$(basename "$0"): $*" >&2; exit 2; }
say() { echo "== $*" >&2; }

# -o: the lock is not inherited by anything the command leaves running (servers, build nodes).
locked() { flock -o "$LOCK" "$@"; }

# Runs a shell snippet holding the lock; processes it starts in the background do not hold it.
locked_sh() { flock -o "$LOCK" bash -c "$1"; }

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

require_tools() {
  command -v flock >/dev/null || die "flock not found (Debian package util-linux)"
  command -v node >/dev/null || die "node not found (Node.js 20+, as for Azurite)"
  command -v curl >/dev/null || die "curl not found"
  command -v jq >/dev/null || die "jq not found (Debian package jq)"
}

# PUBLISH=r2r: serve and the minimal endpoint run from a ReadyToRun publish (as docs/deploy.md
# publishes the Functions app), both alike; otherwise from the Release build (JIT-compiled).
PUBLISH=${PUBLISH:-build}
PUBLISH_DIR=$OUT_DIR/publish-r2r
binaries_line() {
  [[ $PUBLISH == r2r ]] && echo "ReadyToRun publish of both apps (PUBLISH=r2r: dotnet publish -r linux-x64 --self-contained false -p:PublishReadyToRun=true)" \
    || echo "Release build of both apps (JIT-compiled; PUBLISH=r2r measures a ReadyToRun publish)"
}

build_release() {
  [[ $PUBLISH == build || $PUBLISH == r2r ]] || die "PUBLISH is build or r2r, not '$PUBLISH'"
  if [[ ${SKIP_BUILD:-0} == 1 ]]; then
    say "build skipped (SKIP_BUILD=1)"
  else
    say "build (Release): CLI and benchmarks"
    locked dotnet build -c Release "$ROOT/src/ServerlessMl.Cli" -nologo -v quiet >&2
    locked dotnet build -c Release "$ROOT/benchmarks/ServerlessMl.Benchmarks" -nologo -v quiet >&2
    locked dotnet build -c Release "$ROOT/benchmarks/ServerlessMl.MinimalEndpoint" -nologo -v quiet >&2
    if [[ $PUBLISH == r2r ]]; then
      say "publish (ReadyToRun): serve and the minimal endpoint"
      locked dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true "$ROOT/src/ServerlessMl.Cli" -o "$PUBLISH_DIR/cli" -nologo -v quiet >&2
      locked dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true "$ROOT/benchmarks/ServerlessMl.MinimalEndpoint" -o "$PUBLISH_DIR/minimal" -nologo -v quiet >&2
    fi
  fi
  if [[ $PUBLISH == r2r ]]; then
    CLI=$PUBLISH_DIR/cli/serverless-ml.dll
    MINIMAL_DLL=$PUBLISH_DIR/minimal/ServerlessMl.MinimalEndpoint.dll
  fi
  local how="build it in Release"
  [[ $PUBLISH == r2r ]] && how="run once without SKIP_BUILD=1 to publish it"
  [[ -f $MINIMAL_DLL ]] || die "$MINIMAL_DLL is missing; $how"
  [[ -f $CLI ]] || die "$CLI is missing; $how"
  [[ -f $BENCH_DLL ]] || die "$BENCH_DLL is missing; build benchmarks/ServerlessMl.Benchmarks in Release"
}

# start_azurite WORK: Azurite (all services, scripts/azurite.sh) with its state under WORK; exports ModelStorage.
start_azurite() {
  AZURITE_STATE=$1/azurite
  "$ROOT/scripts/azurite.sh" start "$AZURITE_STATE" >&2
  # shellcheck disable=SC1091
  source "$AZURITE_STATE/azurite.env"
  export ModelStorage
}

stop_azurite() {
  [[ -n ${AZURITE_STATE:-} ]] && "$ROOT/scripts/azurite.sh" stop "$AZURITE_STATE" >&2 || true
}

cli() { locked dotnet "$CLI" "$@"; }

# train_champion DATA_DIR DAYS: bike: generate DAYS synthetic days (seeded) and upload the new ones;
# spam: upload ../shared's SMS collection as one drop; then run the retrain job; prints its JSON outcome.
train_champion() {
  local dir=$1 days=$2
  if [[ $MODEL == sms-spam ]]; then
    [[ -f $SPAM_DATA ]] || die "MODEL=sms-spam needs $SPAM_DATA"
    cli data upload --model "$MODEL" --source "$SPAM_DATA" --day 2026-01-01 >/dev/null 2>&1 || die "data upload failed"
  else
    cli data generate -o "$dir" --start 2011-01-01 --days "$days" --seed "${SEED:-7}" >/dev/null 2>&1 || die "data generate failed"
    cli data upload --model "$MODEL" --source "$dir" >/dev/null 2>&1 || die "data upload failed"
  fi
  cli train --model "$MODEL" 2>/dev/null || die "train failed: run 'dotnet $CLI train --model $MODEL' with ModelStorage set to see why"
}

SERVE_PIDS=()

# start_serve PORT LOG [VAR=VALUE...]: serverless-ml serve as shipped (SERVE_DLL=$BENCH_DLL: with the
# benchmark endpoints; SERVE_ARGS: more options, e.g. keys), in the background (its start-up
# holds the lock), waits until it answers; sets SERVE_PID.
start_serve() {
  local port=$1 log=$2
  shift 2
  local pidfile
  pidfile=$(mktemp)
  # shellcheck disable=SC2016
  locked_sh "env $* dotnet '${SERVE_DLL:-$CLI}' serve --port $port ${SERVE_ARGS:-} >'$log' 2>&1 </dev/null & echo \$! >'$pidfile'
    for _ in \$(seq 300); do
      curl -s -o /dev/null http://127.0.0.1:$port/api/health && exit 0
      kill -0 \$(cat '$pidfile') 2>/dev/null || exit 1
      sleep 0.1
    done
    exit 1" || { cat "$log" >&2; die "serve did not start on port $port (log: $log)"; }
  SERVE_PID=$(cat "$pidfile")
  rm -f "$pidfile"
  SERVE_PIDS+=("$SERVE_PID")
}

# champion_zip DIR: the champion's model.zip copied out of storage to DIR/VERSION/model.zip (printed):
# the minimal endpoint serves from a local file, as the app a user would write.
champion_zip() {
  locked dotnet "$BENCH_DLL" champion-zip "$MODEL" "$1" || die "could not copy the champion's model.zip"
}

# start_minimal PORT LOG ZIP: the baseline app in the background (its start-up holds the lock),
# checking MINIMAL_KEY on every request when it is set; waits until it predicts; sets MINIMAL_PID.
start_minimal() {
  local port=$1 log=$2 zip=$3 pidfile
  pidfile=$(mktemp)
  # shellcheck disable=SC2016
  locked_sh "dotnet '$MINIMAL_DLL' '$MODEL' '$zip' $port ${MINIMAL_KEY:-} >'$log' 2>&1 </dev/null & echo \$! >'$pidfile'
    for _ in \$(seq 300); do
      curl -sf -o /dev/null -H 'Content-Type: application/json' -H 'x-functions-key: ${MINIMAL_KEY:-}' --data @'$WORK/fixed.json' http://127.0.0.1:$port/predict && exit 0
      kill -0 \$(cat '$pidfile') 2>/dev/null || exit 1
      sleep 0.1
    done
    exit 1" || { cat "$log" >&2; die "the minimal endpoint did not start on port $port (log: $log)"; }
  MINIMAL_PID=$(cat "$pidfile")
  rm -f "$pidfile"
  SERVE_PIDS+=("$MINIMAL_PID")
}

stop_serves() {
  local pid
  for pid in "${SERVE_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${SERVE_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  SERVE_PIDS=()
}

# Request bodies: fixed.json (one request), batch100.json (100 different requests: hours and
# weathers for bike, messages of the collection for spam) and single.jsonl (the same 100, one
# request per line; post.lua cycles through them).
write_bodies() {
  local dir=$1
  if [[ $MODEL == sms-spam ]]; then
    echo '{"text":"URGENT! You have won a 1 week FREE membership. Call 09061701461 to claim"}' >"$dir/fixed.json"
    head -n 100 "$SPAM_DATA" | cut -f2- | jq -Rc '{text: .}' | jq -sc . >"$dir/batch100.json"
    jq -c ".[]" "$dir/batch100.json" >"$dir/single.jsonl"
    return
  fi
  echo '{"timestamp":"2011-05-02T08:00:00","weather":1,"temperatureC":18,"feelsLikeC":18,"humidity":55,"windSpeedKmh":12}' >"$dir/fixed.json"
  jq -cn '[range(100) as $i | {
      timestamp: ("2011-05-\(2 + ($i / 24 | floor) | tostring | if length == 1 then "0" + . else . end)T\($i % 24 | tostring | if length == 1 then "0" + . else . end):00:00"),
      weather: (1 + $i % 3), temperatureC: (5 + $i % 25), feelsLikeC: (4 + $i % 27),
      humidity: (30 + $i % 60), windSpeedKmh: ($i % 30)}]' >"$dir/batch100.json"
  jq -c ".[]" "$dir/batch100.json" >"$dir/single.jsonl"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit } if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; print m }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

machine_line() {
  echo "$(nproc) cores ($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), .NET SDK $(dotnet --version)"
}

# model_line VERSION: what was measured, from the version's manifest (the model definition changes over time).
model_line() {
  cli models show --model "$MODEL" --version "$1" 2>/dev/null | jq -r '"\(.model) version \(.version): \(.trainer.name) (\(.trainer.parameters | to_entries | map("\(.key)=\(.value)") | join(", ") | .[0:120])), model.zip \(.modelFile.sizeBytes) bytes, ML.NET \(.mlNetVersion)"'
}

source_line() {
  local rev
  rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ -n $(git -C "$ROOT" status --porcelain -- src 2>/dev/null) ]]; then rev="$rev + uncommitted changes in src/"; fi
  echo "commit $rev"
}

# WORK (a scratch folder), Release builds and a throw-away Azurite: everything is stopped and
# removed when the script exits.
prepare_run() { # NAME
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/serverless-ml-$1.XXXXXX")
  trap 'stop_serves; stop_azurite; rm -rf "$WORK"' EXIT
  trap 'exit 130' INT TERM
  mkdir -p "$OUT_DIR"
  build_release
  say "Azurite"
  start_azurite "$WORK"
}
