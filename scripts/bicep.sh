#!/usr/bin/env bash
# Validates the infrastructure: installs the pinned Bicep CLI from NuGet (once), then
#   bicep build        infra/main.bicep       -> artifacts/infra/main.json (compiled ARM template)
#   bicep build-params infra/main.bicepparam  -> artifacts/infra/main.parameters.json
#   bicep lint         infra/main.bicep
# and fails on any error OR warning. tests/ServerlessMl.Infra.Tests reads artifacts/infra/main.json.
#
# Environment:
#   BICEP_VERSION                 Bicep CLI version (default 0.49.2, NuGet Azure.Bicep.CommandLine.linux-x64)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BICEP_VERSION="${BICEP_VERSION:-0.49.2}"
PACKAGE_ID="Azure.Bicep.CommandLine.linux-x64"
TOOLS_DIR="$ROOT/.tools"
PACKAGES_DIR="$TOOLS_DIR/nuget"
BICEP="$PACKAGES_DIR/$(echo "$PACKAGE_ID" | tr '[:upper:]' '[:lower:]')/$BICEP_VERSION/tools/bicep"
OUT_DIR="$ROOT/artifacts/infra"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "bicep.sh: this script installs the linux-x64 Bicep CLI; on $(uname -s)-$(uname -m) install Bicep yourself (az bicep install)." >&2; exit 1 ;;
esac

install_bicep() {
  if [[ -x "$BICEP" ]] && "$BICEP" --version 2>/dev/null | grep -q "version $BICEP_VERSION "; then
    return 0
  fi
  echo "Installing Bicep CLI $BICEP_VERSION from NuGet ($PACKAGE_ID) into ${PACKAGES_DIR#"$ROOT"/} ..."
  command -v dotnet >/dev/null 2>&1 || { echo "bicep.sh: dotnet is needed to fetch the Bicep CLI from NuGet." >&2; exit 1; }
  mkdir -p "$PACKAGES_DIR"
  # Keep the tool folder out of git even where the root .gitignore does not list it.
  [[ -f "$TOOLS_DIR/.gitignore" ]] || printf '*\n' > "$TOOLS_DIR/.gitignore"

  # A throwaway project outside the repository, so that the repository's Directory.*.props
  # (central package management, analyzers) do not apply to it. PackageDownload fetches the
  # package without referencing it; its tools/ folder holds the self-contained bicep binary.
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  cat > "$work/fetch-bicep.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$PACKAGE_ID" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
PROJ
  for config in nuget.config NuGet.config NuGet.Config; do
    if [[ -f "$ROOT/$config" ]]; then cp "$ROOT/$config" "$work/nuget.config"; break; fi
  done
  dotnet restore "$work/fetch-bicep.csproj" --packages "$PACKAGES_DIR" --nologo --verbosity quiet
  [[ -f "$BICEP" ]] || { echo "bicep.sh: restore succeeded but $BICEP is missing." >&2; exit 1; }
  chmod +x "$BICEP"
  "$BICEP" --version
}

# Runs one bicep command, shows its output, and fails on a non-zero exit or on any
# diagnostic at warning or error level (bicep prints them as "file(line,col) : Warning rule: ...").
FAILED=0
run_bicep() {
  local label="$1"; shift
  local output status=0
  output="$("$BICEP" "$@" 2>&1)" || status=$?
  if [[ -n "$output" ]]; then printf '%s\n' "$output"; fi
  if (( status != 0 )); then
    echo "FAIL  $label (exit code $status)"
    FAILED=1
  elif grep -Eqi '(: (warning|error) )|^(warning|error)[: ]' <<<"$output"; then
    echo "FAIL  $label (warnings or errors above)"
    FAILED=1
  else
    echo "ok    $label"
  fi
}

install_bicep
export BICEP_PATH="$BICEP"
mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR/main.json" "$OUT_DIR/main.parameters.json"

cd "$ROOT"
run_bicep "bicep build infra/main.bicep" build infra/main.bicep --outfile "$OUT_DIR/main.json"
run_bicep "bicep build-params infra/main.bicepparam" build-params infra/main.bicepparam --outfile "$OUT_DIR/main.parameters.json"
run_bicep "bicep lint infra/main.bicep" lint infra/main.bicep

if (( FAILED != 0 )); then
  rm -f "$OUT_DIR/main.json"   # never leave a template behind that did not validate cleanly
  echo "bicep.sh: infrastructure validation failed." >&2
  exit 1
fi
echo "Compiled ARM template: ${OUT_DIR#"$ROOT"/}/main.json"
echo "Compiled parameters:   ${OUT_DIR#"$ROOT"/}/main.parameters.json"
