#!/usr/bin/env bash
# Starts or stops a local Azurite (blob, queue, table) on free loopback ports with its own data folder.
#
#   scripts/azurite.sh start [STATE_DIR]   start; writes STATE_DIR/azurite.env (ports, pid, connection strings)
#   scripts/azurite.sh stop  [STATE_DIR]   stop the Azurite started with that STATE_DIR and delete its data
#   scripts/azurite.sh halt  [STATE_DIR]   stop it and keep its data: `start` with the same STATE_DIR
#                                          serves that data again (on new free ports)
#
# STATE_DIR defaults to .azurite/ in the repository. `source STATE_DIR/azurite.env` gives:
#   ModelStorage, AzureWebJobsStorage   connection strings for the app and the Functions host
#   AZURITE_PID, AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT, AZURITE_TABLE_PORT
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmd="${1:-}"
STATE="${2:-$ROOT/.azurite}"

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

wait_for_port() {
  local port="$1" tries=0
  until node -e "require('net').connect($port,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))" 2>/dev/null; do
    tries=$((tries + 1))
    if (( tries > 100 )); then
      echo "azurite.sh: Azurite did not open port $port within 20 s; see $STATE/azurite.log" >&2
      return 1
    fi
    sleep 0.2
  done
}

case "$cmd" in
  start)
    if [[ ! -x "$ROOT/node_modules/.bin/azurite" ]]; then
      (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    fi
    if [[ -f "$STATE/azurite.env" ]]; then
      # shellcheck disable=SC1091
      source "$STATE/azurite.env"
      if kill -0 "$AZURITE_PID" 2>/dev/null; then
        echo "Azurite already running (pid $AZURITE_PID, blob port $AZURITE_BLOB_PORT)." >&2
        exit 0
      fi
    fi
    mkdir -p "$STATE/data"
    blob=$(free_port); queue=$(free_port); table=$(free_port)
    while [[ "$queue" == "$blob" ]]; do queue=$(free_port); done
    while [[ "$table" == "$blob" || "$table" == "$queue" ]]; do table=$(free_port); done
    # --skipApiVersionCheck: the Azure SDK may speak a newer storage API version than this Azurite knows.
    nohup "$ROOT/node_modules/.bin/azurite" --silent --loose --skipApiVersionCheck \
      --location "$STATE/data" \
      --blobHost 127.0.0.1 --blobPort "$blob" \
      --queueHost 127.0.0.1 --queuePort "$queue" \
      --tableHost 127.0.0.1 --tablePort "$table" \
      >"$STATE/azurite.log" 2>&1 &
    pid=$!
    wait_for_port "$blob"
    wait_for_port "$queue"
    wait_for_port "$table"
    # Azurite's documented development account; it only ever exists on this machine.
    account=devstoreaccount1
    key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
    conn="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/$account;QueueEndpoint=http://127.0.0.1:$queue/$account;TableEndpoint=http://127.0.0.1:$table/$account;"
    cat >"$STATE/azurite.env" <<ENV
export AZURITE_PID=$pid
export AZURITE_BLOB_PORT=$blob
export AZURITE_QUEUE_PORT=$queue
export AZURITE_TABLE_PORT=$table
export ModelStorage='$conn'
export AzureWebJobsStorage='$conn'
ENV
    echo "Azurite started (pid $pid): blob 127.0.0.1:$blob, queue :$queue, table :$table. Settings in $STATE/azurite.env" >&2
    ;;
  stop|halt)
    if [[ -f "$STATE/azurite.env" ]]; then
      # shellcheck disable=SC1091
      source "$STATE/azurite.env"
      if kill "$AZURITE_PID" 2>/dev/null; then
        for _ in $(seq 50); do kill -0 "$AZURITE_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$AZURITE_PID" 2>/dev/null || true
      fi
      if [[ "$cmd" == stop ]]; then
        rm -rf "$STATE"
        echo "Azurite stopped; its data is deleted." >&2
      else
        # Its ports are free again; `start` writes a new azurite.env.
        rm -f "$STATE/azurite.env"
        echo "Azurite stopped; its data stays in $STATE." >&2
      fi
    fi
    ;;
  *)
    echo "usage: scripts/azurite.sh start|stop|halt [STATE_DIR]" >&2
    exit 2
    ;;
esac
