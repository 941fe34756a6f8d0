#!/usr/bin/env bash
# Runs every test: installs what the tests need (Azurite from npm, the Bicep CLI from NuGet),
# compiles and lints the Bicep templates, builds the solution, and runs all xunit projects.
# Each test assembly starts its own Azurite on a free loopback port and stops it when done.
#
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Registry]
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

echo "== dotnet test"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test ServerlessMl.sln -c "$CONFIGURATION" --no-build --nologo \
  --logger "console;verbosity=detailed" "$@" 2>&1 | tee "$log" || status=$?

# One closing line for the whole run (dotnet test prints a summary per test assembly).
awk '/^ +Passed: +[0-9]+$/ { p += $2 } /^ +Failed: +[0-9]+$/ { f += $2 } /^ +Skipped: +[0-9]+$/ { s += $2 }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
