#!/usr/bin/env bash
# The main job, end to end on this machine: Azurite, data for both shipped models (synthetic bike
# days; the SMS Spam Collection from ../shared when it is there), a trained and gated champion of
# each in the blob registry, their predictions precomputed from synthetic scoring drops into the
# predictions table, live traffic logged and judged when its truth arrives (live metrics, drift,
# the report), and the HTTP API serving them (stop with Ctrl-C). Azurite stops with it;
# its data stays in .demo/azurite, so the README's follow-up commands keep working.
#
#   scripts/demo.sh [--days N] [--port P] [--no-serve]   (--no-serve stops after the live step)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DAYS=120
PORT=7071
SERVE=1
while (( $# > 0 )); do
  case "$1" in
    --days) DAYS="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --no-serve) SERVE=0; shift ;;
    *) echo "usage: scripts/demo.sh [--days N] [--port P] [--no-serve]" >&2; exit 2 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
STATE="$ROOT/.demo"

echo "== 1/7 Azurite (npm package pinned in package-lock.json)"
if [[ ! -x node_modules/.bin/azurite ]]; then
  echo "-- installing Azurite and its dependencies with npm ci (first run only; about a minute, quiet meanwhile)"
  npm ci --no-audit --no-fund --loglevel=error
fi
scripts/azurite.sh start "$STATE/azurite"
# shellcheck disable=SC1091
source "$STATE/azurite/azurite.env"
halt_azurite() {
  scripts/azurite.sh halt "$STATE/azurite"
  cat <<KEPT
Azurite is stopped; its data (the drops and the model registry) is kept in .demo/azurite.
  Start it again on that data:  scripts/azurite.sh start .demo/azurite && source .demo/azurite/azurite.env
  Then, e.g.:                   dotnet src/ServerlessMl.Cli/bin/Release/net10.0/serverless-ml.dll models list --model bike-demand
  Remove it:                    scripts/azurite.sh stop .demo/azurite   (or rm -rf .demo)
KEPT
}
trap halt_azurite EXIT

echo "== 2/7 Build the CLI"
dotnet build src/ServerlessMl.Cli -c Release --nologo -v quiet
cli() { dotnet src/ServerlessMl.Cli/bin/Release/net10.0/serverless-ml.dll "$@"; }

echo "== 3/7 Data: bike-demand, $DAYS synthetic days from 2011-01-01 (seeded; not real data)"
rm -rf "$STATE/data"
cli data generate --output "$STATE/data" --days "$DAYS"
cli data upload --model bike-demand --source "$STATE/data"
# The two days after the training days are held back: their hours are asked for live in step 6
# (enough of them to measure drift), and their drops, uploaded afterwards, bring the truth.
NEXT_DAY="$(date -u -d "2011-01-01 + $DAYS days" +%F 2>/dev/null || date -u -j -v+"${DAYS}"d -f %F 2011-01-01 +%F)"
rm -rf "$STATE/next-day"
cli data generate --output "$STATE/next-day" --start "$NEXT_DAY" --days 2 > /dev/null
SPAM_DATA="$ROOT/../shared/datasets/sms-spam-collection/SMSSpamCollection.train"
SPAM=0
if [[ -f "$SPAM_DATA" ]]; then
  # The last 300 messages are kept back as live traffic whose labels come back as feedback.
  LINES=$(wc -l < "$SPAM_DATA")
  head -n $((LINES - 300)) "$SPAM_DATA" > "$STATE/sms-spam.train.tsv"
  tail -n 300 "$SPAM_DATA" > "$STATE/sms-spam.live.tsv"
  echo "-- sms-spam: $SPAM_DATA but its last 300 messages as one drop (SMS Spam Collection, Almeida et al., UCI, CC BY 4.0)"
  cli data upload --model sms-spam --source "$STATE/sms-spam.train.tsv"
  SPAM=1
else
  echo "-- sms-spam: no data at $SPAM_DATA; going on with bike-demand only."
  echo "   Get the collection from https://archive.ics.uci.edu/dataset/228/sms+spam+collection and run:"
  echo "   serverless-ml data upload --model sms-spam --source SMSSpamCollection"
fi

echo "== 4/7 Retrain job per model: validate, train with rows held out, gate, publish, promote"
MODELS=(bike-demand)
if (( SPAM == 1 )); then MODELS+=(sms-spam); fi
for model in "${MODELS[@]}"; do
  # The outcome's JSON goes to a file; the CLI prints a short summary of it.
  cli train --model "$model" > "$STATE/$model.retrain.json"
  echo "   (the run's outcome as JSON: .demo/$model.retrain.json)"
  cli models list --model "$model" > /dev/null
done

# The forecast starts the day after the last training day, as a real one would.
FORECAST_DAY="$NEXT_DAY"
echo "== 5/7 Precompute: scoring drops in the scoring container, scored by the job into the predictions table"
mkdir -p "$STATE/scoring"
cli data generate --scoring --model bike-demand --from "${FORECAST_DAY}T00" --hours 48 --output "$STATE/scoring/bike-demand.csv"
cli data upload --scoring --model bike-demand --source "$STATE/scoring/bike-demand.csv" --day "$FORECAST_DAY" --overwrite
if (( SPAM == 1 )); then
  cli data generate --scoring --model sms-spam --count 200 --output "$STATE/scoring/sms-spam.tsv"
  cli data upload --scoring --model sms-spam --source "$STATE/scoring/sms-spam.tsv" --overwrite
fi
for model in "${MODELS[@]}"; do
  cli score --model "$model" --run > "$STATE/$model.score.json"
  echo "   (the run's record as JSON: .demo/$model.score.json)"
done

echo "== 6/7 Live: traffic logged, its truth arriving, live metrics and drift, the report"
# Every answer is logged here (the default samples a tenth), flushed each second, and the spam
# texts are kept so their unseen words can be measured; see docs/prediction-log.md before doing
# the same with personal data.
export Monitoring__SampleRate=1 Monitoring__FlushSeconds=1 Models__sms_spam__Log__Input=Text
# Started without the cli function, so that $! is the server itself and the trap stops it.
dotnet src/ServerlessMl.Cli/bin/Release/net10.0/serverless-ml.dll serve --port "$PORT" > "$STATE/serve.log" 2>&1 &
SERVE_PID=$!
trap 'kill "$SERVE_PID" 2>/dev/null || true; halt_azurite' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/api/health" > /dev/null && break
  kill -0 "$SERVE_PID" 2>/dev/null || { cat "$STATE/serve.log" >&2; exit 1; }
  sleep 0.5
done
while read -r day_file; do
  node scripts/replay.mjs --model bike-demand --source "$day_file" --url "http://127.0.0.1:$PORT"
done < <(find "$STATE/next-day" -name '*.csv' | sort)
if (( SPAM == 1 )); then
  node scripts/replay.mjs --model sms-spam --source "$STATE/sms-spam.live.tsv" --url "http://127.0.0.1:$PORT" --feedback
fi
sleep 3 # one flush of the prediction log
echo "-- bike-demand's truth arrives: the held-back days' drops ($NEXT_DAY and the day after)"
cli data upload --model bike-demand --source "$STATE/next-day"
for model in "${MODELS[@]}"; do
  cli models live --model "$model"
  cli models report --model "$model" --output "$STATE/report-$model" > /dev/null
  echo "   (the report, with its live section: .demo/report-$model/index.html)"
done

if (( SERVE == 0 )); then
  echo "Done (--no-serve)."
  exit 0
fi

echo "== 7/7 Serve the API on http://127.0.0.1:$PORT (Ctrl-C stops it and Azurite)"
cat <<CURL
Try, from another terminal:

  curl -s -X POST http://127.0.0.1:$PORT/api/models/bike-demand/predict \\
    -H 'Content-Type: application/json' \\
    -d '{"timestamp":"2011-05-02T08:00:00","weather":1,"temperatureC":18,"feelsLikeC":18,"humidity":55,"windSpeedKmh":12}'

  curl -s -X POST http://127.0.0.1:$PORT/api/models/sms-spam/predict \\
    -H 'Content-Type: application/json' \\
    -d '{"text":"URGENT! You have won a 1 week FREE membership. Call 09061701461 to claim"}'

  Precomputed, read from the predictions table (step 5/7):
  curl -s http://127.0.0.1:$PORT/api/models/bike-demand/predictions/${FORECAST_DAY}T08:00
  curl -s 'http://127.0.0.1:$PORT/api/models/bike-demand/predictions?from=$FORECAST_DAY&to=$FORECAST_DAY'
CURL
if (( SPAM == 1 )); then
  echo "  curl -s http://127.0.0.1:$PORT/api/models/sms-spam/predictions/msg-000001"
fi
echo "  Feedback for a served spam request (its id is the answer's x-request-id header):"
echo "  curl -s -X POST http://127.0.0.1:$PORT/api/models/sms-spam/feedback -H 'Content-Type: application/json' -d '{\"requestId\":\"<id>\",\"label\":\"ham\"}'"
echo
wait "$SERVE_PID"
