#!/usr/bin/env bash
# Runs every benchmark script once at a smoke size: seconds of work each, no figure judged, so a
# change that breaks a benchmark (a renamed option, a moved endpoint) fails the test run instead of
# being found by hand months later. Its reports go to a scratch folder, never over a real run's in
# artifacts/benchmarks/.
#
#   scripts/bench-smoke.sh        (scripts/test.sh runs it after building the solution in Release)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export SKIP_BUILD="${SKIP_BUILD:-1}"
log_dir="$(mktemp -d)"
trap 'rm -rf "$log_dir"' EXIT
export OUT_DIR="$log_dir/reports"

# The load generator and the timer the scripts need (Debian packages): installed where this runs as
# root (CI), asked for otherwise.
if ! command -v wrk >/dev/null || [[ ! -x /usr/bin/time ]]; then
  if [[ $(id -u) != 0 ]]; then
    echo "bench-smoke.sh: the benchmarks need wrk and time: sudo apt-get install wrk time (or BENCH_SMOKE=0 scripts/test.sh)" >&2
    exit 1
  fi
  echo "== installing wrk and time (Debian packages) for the benchmarks" >&2
  { apt-get install -y -q wrk time || { apt-get update -q && apt-get install -y -q wrk time; }; } >"$log_dir/apt.log" 2>&1 \
    || { cat "$log_dir/apt.log" >&2; echo "bench-smoke.sh: could not install wrk and time" >&2; exit 1; }
fi

failed=()
run() { # NAME ENV... -- SCRIPT
  local name=$1
  shift
  echo "== benchmark smoke: $name" >&2
  if ! env "$@" >"$log_dir/$name.log" 2>&1; then
    tail -n 40 "$log_dir/$name.log" >&2
    failed+=("$name")
  fi
}

run training REPEATS=1 BASE_DAYS=42 SMOKE=1 bash benchmarks/training.sh
run http ROUNDS=1 DURATION=1 CONCURRENCY=1 DAYS=42 bash benchmarks/http.sh
run cold RUNS=1 PROMOTIONS=1 DAYS=42 bash benchmarks/cold.sh

# The in-process experiment of the precompute path (docs/benchmarks.md, "Precompute"): tiny drops,
# two rounds, a few hundred table rows; under the lock the scripts hold for builds and timed runs.
bench_dll=benchmarks/ServerlessMl.Benchmarks/bin/Release/net10.0/ServerlessMl.Benchmarks.dll
lock=${BENCH_LOCK:-/tmp/serverlessml-build.lock}
if [[ $SKIP_BUILD != 1 ]]; then
  flock -o "$lock" dotnet build -c Release benchmarks/ServerlessMl.Benchmarks -nologo -v quiet >"$log_dir/build.log" 2>&1 \
    || { tail -n 40 "$log_dir/build.log" >&2; failed+=("batch-scoring build"); }
fi
run batch-scoring flock -o "$lock" dotnet "$bench_dll" batch-scoring 2000 500 2 300 200
# The prediction log's cost on the predict path (docs/benchmarks.md, "The prediction log"): two short rounds.
run log-overhead flock -o "$lock" dotnet "$bench_dll" log-overhead 2 500

if ((${#failed[@]})); then
  echo "bench-smoke.sh: failed: ${failed[*]}" >&2
  exit 1
fi
echo "== benchmark smoke: training.sh, http.sh, cold.sh, batch-scoring and log-overhead ran" >&2
