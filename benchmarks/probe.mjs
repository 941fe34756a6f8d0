#!/usr/bin/env node
// Timing probe for benchmarks/cold.sh: launches a process or promotes a model and measures, from
// this side of the wire, when the first answer arrives. Node's own start-up is outside every
// timed window (the clock starts just before the child is spawned or the request is sent), and
// it polls with one pending request at a time, so it costs the measured process little CPU.
//
//   node probe.mjs launch  --url URL --body FILE [--log FILE] [--timeout-ms N] -- CMD ARGS...
//       spawn CMD, POST BODY to URL until the answer is 200; prints
//       {"firstPredictionMs", "acceptMs", "cpuMs", "version"} and stops the child (SIGTERM).
//       cpuMs: the child's user+system CPU time when the 200 arrived (Linux /proc, 10 ms steps).
//   node probe.mjs stdout  [--timeout-ms N] -- CMD ARGS...
//       spawn CMD, wait for its first line on stdout; prints {"firstLineMs", "line"}.
//   node probe.mjs promote --admin URL --version V --body FILE --watch NAME=URL [--watch ...]
//                  [--random-wait-ms N] [--timeout-ms N]
//       POST {"version": V} to the admin (promote) URL and poll every watched predict URL until
//       its answer's version is V; prints {"promoteResponseMs", "<NAME>Ms": ...} from the
//       moment the promote request is sent, and the random wait before it (waitMs).
//   launch also takes --first-url URL: poll that URL (e.g. the constant endpoint) until it
//       answers 200 before the first POST to --url, and report when (firstUrlMs).
import { spawn } from 'node:child_process';
import { readFileSync, openSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const [mode, ...rest] = process.argv.slice(2);
const dash = rest.indexOf('--');
const opts = dash >= 0 ? rest.slice(0, dash) : rest;
const command = dash >= 0 ? rest.slice(dash + 1) : [];
const get = (name, fallback) => {
  const i = opts.indexOf(name);
  return i >= 0 ? opts[i + 1] : fallback;
};
const all = (name) => opts.flatMap((o, i) => (o === name ? [opts[i + 1]] : []));
const timeoutMs = Number(get('--timeout-ms', '60000'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const die = (message) => {
  console.error(`probe.mjs: ${message}`);
  process.exit(1);
};

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(url, body, { agent = false, onConnect } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('request timed out')));
    if (onConnect) {
      req.on('socket', (s) => (s.connecting ? s.once('connect', onConnect) : onConnect()));
    }
    req.on('error', reject);
    req.end(body);
  });
}

// USER_HZ is 100 on Linux whatever the kernel's own tick; null where there is no /proc.
function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

function versionOf(text) {
  try {
    return JSON.parse(text).version;
  } catch {
    return undefined;
  }
}

function start(cmd, stdio) {
  if (cmd.length === 0) die('no command after --');
  const t0 = performance.now();
  const child = spawn(cmd[0], cmd.slice(1), { stdio, env: process.env });
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  child.on('error', (e) => die(`cannot start ${cmd[0]}: ${e.message}`));
  return { t0, child, exitedState: () => exited };
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}

async function launch() {
  const url = get('--url') ?? die('--url is required');
  const firstUrl = get('--first-url');
  const body = readFileSync(get('--body') ?? die('--body is required'), 'utf8');
  const log = get('--log');
  const out = log ? openSync(log, 'a') : 'ignore';
  const { t0, child, exitedState } = start(command, ['ignore', out, out]);
  let acceptMs;
  let firstUrlMs;
  const onConnect = () => (acceptMs ??= performance.now() - t0);
  try {
    let target = firstUrl ?? url;
    while (true) {
      const state = exitedState();
      if (state) die(`the process exited (${JSON.stringify(state)}) before answering; see ${log ?? 'its output'}`);
      if (performance.now() - t0 > timeoutMs) die(`no 200 from ${target} within ${timeoutMs} ms`);
      try {
        const res = await post(target, body, { onConnect });
        if (res.status === 200 && target !== url) {
          firstUrlMs = performance.now() - t0;
          target = url;
          continue;
        }
        if (res.status === 200) {
          const ms = performance.now() - t0;
          const cpuMs = cpuMsOf(child.pid);
          console.log(JSON.stringify({ firstPredictionMs: round(ms), acceptMs: round(acceptMs), firstUrlMs: round(firstUrlMs), cpuMs, version: versionOf(res.text) }));
          return;
        }
        await sleep(5);
      } catch (e) {
        await sleep(e.code === 'ECONNREFUSED' ? 2 : 5);
      }
    }
  } finally {
    await stop(child);
  }
}

async function stdout() {
  const { t0, child } = start(command, ['ignore', 'pipe', 'inherit']);
  let buffer = '';
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no output within ${timeoutMs} ms`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve({ ms: performance.now() - t0, text: buffer.slice(0, nl) });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before a line of output`));
    });
  }).catch((e) => die(e.message));
  child.stdout.resume();
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  if (child.exitCode !== 0) die(`exited with ${child.exitCode}`);
  console.log(JSON.stringify({ firstLineMs: round(line.ms), line: line.text }));
}

async function promote() {
  const admin = get('--admin') ?? die('--admin is required');
  const version = get('--version') ?? die('--version is required');
  const body = readFileSync(get('--body') ?? die('--body is required'), 'utf8');
  const watches = all('--watch').map((w) => {
    const eq = w.indexOf('=');
    return { name: w.slice(0, eq), url: w.slice(eq + 1), agent: new http.Agent({ keepAlive: true, maxSockets: 1 }) };
  });
  // Open the keep-alive connections before the clock starts. The first request to an instance
  // whose refresh is overdue starts its background check now; waiting a random part of the
  // refresh interval afterwards puts the promotion at a random phase of that instance's checks.
  for (const w of watches) await post(w.url, body, { agent: w.agent });
  const waitMs = Math.random() * Number(get('--random-wait-ms', '0'));
  await sleep(waitMs);
  const result = { waitMs: round(waitMs) };
  const t0 = performance.now();
  const promoted = post(admin, JSON.stringify({ version }), { agent: keepAlive }).then((res) => {
    if (res.status !== 200) die(`promote answered ${res.status}: ${res.text}`);
    result.promoteResponseMs = round(performance.now() - t0);
  });
  const polls = watches.map(async (w) => {
    let requests = 0;
    while (true) {
      if (performance.now() - t0 > timeoutMs) die(`${w.name} still serves the old version after ${timeoutMs} ms`);
      const res = await post(w.url, body, { agent: w.agent });
      requests++;
      if (res.status !== 200) die(`${w.name} answered ${res.status}: ${res.text}`);
      if (versionOf(res.text) === version) {
        result[`${w.name}Ms`] = round(performance.now() - t0);
        result[`${w.name}Requests`] = requests;
        return;
      }
      await sleep(2);
    }
  });
  await Promise.all([promoted, ...polls]);
  console.log(JSON.stringify({ version, ...result }));
  for (const w of watches) w.agent.destroy();
  keepAlive.destroy();
}

const round = (x) => (x === undefined ? null : Math.round(x * 10) / 10);

switch (mode) {
  case 'launch': await launch(); break;
  case 'stdout': await stdout(); break;
  case 'promote': await promote(); break;
  default: die('usage: probe.mjs launch|stdout|promote ... (see the comment at the top)');
}
