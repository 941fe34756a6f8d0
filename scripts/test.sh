#!/usr/bin/env bash
# Runs every test: installs what the tests need (Azurite from npm, the Bicep CLI from NuGet),
# compiles and lints the Bicep templates, builds the solution, runs every benchmark script at a
# smoke size (scripts/bench-smoke.sh), and runs all xunit projects.
# Each test assembly starts its own Azurite on a free loopback port and stops it when done.
#
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Registry]
#   (with arguments, or BENCH_SMOKE=0, the benchmark smoke is left out)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CONFIGURATION="${CONFIGURATION:-Release}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [[ ! -x node_modules/.bin/azurite-blob || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "== npm ci (Azurite)"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "== Bicep: build and lint infra/"
scripts/bicep.sh

echo "== dotnet build ($CONFIGURATION)"
dotnet build ServerlessMl.sln -c "$CONFIGURATION" --nologo -v quiet

smoke=0
if [[ $# -eq 0 && ${BENCH_SMOKE:-1} != 0 ]]; then
  echo "== benchmarks at smoke size"
  SKIP_BUILD=$([[ $CONFIGURATION == Release ]] && echo 1 || echo 0) scripts/bench-smoke.sh || smoke=$?
fi

echo "== dotnet test"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test ServerlessMl.sln -c "$CONFIGURATION" --no-build --nologo \
  --logger "console;verbosity=detailed" "$@" 2>&1 | tee "$log" || status=$?

[[ $smoke == 0 ]] || { echo "the benchmark smoke failed (scripts/bench-smoke.sh, above)"; status=1; }
# One closing line for the whole run (dotnet test prints a summary per test assembly).
awk '/^ +Passed: +[0-9]+$/ { p += $2 } /^ +Failed: +[0-9]+$/ { f += $2 } /^ +Skipped: +[0-9]+$/ { s += $2 }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
