#!/usr/bin/env node
// Replays a labelled data file against a running API, as live traffic: each row is sent to the
// model's predict route without its label, and with --feedback its label is then sent to the
// feedback route under the request id the answer carried. The demo uses it to give the live
// quality loop something to judge; Node.js is already needed for Azurite.
//
//   node scripts/replay.mjs --model bike-demand|sms-spam --source FILE --url http://127.0.0.1:7071
//                           [--key FUNCTION_KEY] [--feedback]
import { readFileSync } from 'node:fs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]?.startsWith('--') || all[i + 1] === undefined ? true : all[i + 1]]);
  return pairs;
}, []));
if (!args.model || !args.source || !args.url) {
  console.error('usage: node scripts/replay.mjs --model NAME --source FILE --url URL [--key KEY] [--feedback]');
  process.exit(2);
}

// The hour layout's normalised units, as the UCI Bike Sharing data writes them (temp/41, atemp/50, hum/100, windspeed/67).
function bikeRequests(text) {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const at = Object.fromEntries(header.split(',').map((name, i) => [name, i]));
  return lines.map(line => {
    const f = line.split(',');
    const round = x => Math.round(x * 10) / 10;
    return {
      request: {
        timestamp: `${f[at.dteday]}T${String(f[at.hr]).padStart(2, '0')}:00:00`,
        weather: Number(f[at.weathersit]),
        temperatureC: round(f[at.temp] * 41),
        feelsLikeC: round(f[at.atemp] * 50),
        humidity: round(f[at.hum] * 100),
        windSpeedKmh: round(f[at.windspeed] * 67),
        holiday: f[at.holiday] === '1',
      },
      label: Number(f[at.cnt]),
    };
  });
}

function spamRequests(text) {
  return text.split(/\r?\n/).filter(line => line.includes('\t')).map(line => {
    const tab = line.indexOf('\t');
    return { request: { text: line.slice(tab + 1) }, label: line.slice(0, tab) };
  });
}

const rows = args.model === 'bike-demand' ? bikeRequests(readFileSync(args.source, 'utf8'))
  : args.model === 'sms-spam' ? spamRequests(readFileSync(args.source, 'utf8'))
  : (console.error(`replay knows bike-demand and sms-spam, not '${args.model}'`), process.exit(2));

const headers = { 'content-type': 'application/json', ...(typeof args.key === 'string' ? { 'x-functions-key': args.key } : {}) };
const post = (route, body) => fetch(`${args.url}/api/models/${args.model}/${route}`, { method: 'POST', headers, body: JSON.stringify(body) });

let answered = 0, refused = 0, feedback = 0;
for (const { request, label } of rows) {
  const response = await post('predict', request);
  await response.arrayBuffer();
  if (!response.ok) { refused++; continue; }
  answered++;
  if (args.feedback) {
    const sent = await post('feedback', { requestId: response.headers.get('x-request-id'), label });
    await sent.arrayBuffer();
    if (sent.ok) feedback++; else refused++;
  }
}

console.log(`${args.model}: ${rows.length} rows sent, ${answered} answered${args.feedback ? `, ${feedback} labels sent as feedback` : ''}${refused ? `, ${refused} refused` : ''}`);
process.exit(refused ? 1 : 0);
