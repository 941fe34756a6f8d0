#!/usr/bin/env bash
# Renders a report written by `serverless-ml models report` in headless Chromium, as a reader's
# browser would, and saves a full-page screenshot beside it: look at it before trusting the page.
#
#   scripts/report-screenshot.sh REPORT_DIR [OUTPUT_PNG]
#
# Installs Debian's chromium if it is missing (needs root or sudo and the Debian registry).
set -euo pipefail

dir=${1:?usage: scripts/report-screenshot.sh REPORT_DIR [OUTPUT_PNG]}
[[ -f $dir/index.html ]] || { echo "report-screenshot.sh: no index.html in $dir (write one with: serverless-ml models report --output $dir)" >&2; exit 2; }
out=${2:-$dir/screenshot.png}

if ! command -v chromium >/dev/null; then
  echo "-- installing Debian's chromium (once; a minute or two)" >&2
  if [[ $(id -u) == 0 ]]; then apt-get install -y -q chromium >&2; else sudo apt-get install -y -q chromium >&2; fi
fi

page=$(cd "$dir" && pwd)/index.html
# A tall window: the page is one column of tables and pictures (HEIGHT to fit a shorter one).
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="1100,${HEIGHT:-4200}" \
  --screenshot="$out" "file://$page" >/dev/null 2>&1
[[ -s $out ]] || { echo "report-screenshot.sh: chromium wrote no screenshot" >&2; exit 1; }
echo "$out"
