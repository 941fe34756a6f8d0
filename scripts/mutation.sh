#!/usr/bin/env bash
# Mutation testing of Core's logic (Training/, Registry/, Serving/, Http/) with Stryker.NET against
# the in-process test projects (Core.Tests, Functions.Tests). A measurement, not a CI step: it takes
# a long while on two cores (see docs/testing.md). Reports land in src/ServerlessMl.Core/StrykerOutput/<time>/reports/.
#
#   scripts/mutation.sh [extra dotnet-stryker arguments, e.g. --mutate "**/Training/QualityGate.cs"]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [[ ! -x node_modules/.bin/azurite-blob || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "== npm ci (Azurite, which the tests start themselves)"
  npm ci --no-audit --no-fund --loglevel=error
fi
dotnet tool restore

cd src/ServerlessMl.Core
dotnet dotnet-stryker --config-file ../../tests/mutation/stryker-config.json "$@"
