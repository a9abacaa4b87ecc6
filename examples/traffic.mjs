#!/usr/bin/env node
// Steady traffic against a load balancer, counting what succeeds and what fails.
//
//   node examples/traffic.mjs --url http://127.0.0.1:8100 [--rps 50] [--duration 60] [--path /] [--timeout 10]
//
// Prints one line per second (ok, failed, versions seen) and, when it ends (after --duration
// seconds, or on Ctrl-C / SIGTERM), one JSON line with the totals:
//   {"traffic":"summary","sent":..,"ok":..,"failed":..,"byStatus":{..},"byVersion":{..},"errors":{..},"p50Ms":..,"p99Ms":..}
// A request fails when it gets an answer other than 2xx, or none within --timeout seconds. No dependencies.

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]?.startsWith('--') ? 'true' : all[i + 1]]] : acc), []),
);
const url = new URL(args.path ?? '/', args.url ?? 'http://127.0.0.1:8100');
const rps = Number(args.rps ?? 50);
const duration = args.duration === undefined ? Infinity : Number(args.duration);
const quiet = args.quiet === 'true';
const timeoutMs = Number(args.timeout ?? 10) * 1000;

const totals = { sent: 0, ok: 0, failed: 0, byStatus: {}, byVersion: {}, errors: {} };
const latencies = [];
let second = { ok: 0, failed: 0, versions: {} };
let inflight = 0;
const started = Date.now();

const bump = (o, k) => (o[k] = (o[k] ?? 0) + 1);

async function one() {
  inflight++;
  totals.sent++;
  const t0 = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    latencies.push(performance.now() - t0);
    bump(totals.byStatus, res.status);
    const version = res.headers.get('x-version') ?? 'unknown';
    if (res.status >= 200 && res.status < 300) {
      totals.ok++;
      second.ok++;
      bump(totals.byVersion, version);
      bump(second.versions, version);
    } else {
      totals.failed++;
      second.failed++;
    }
  } catch (err) {
    totals.failed++;
    second.failed++;
    bump(totals.errors, err?.cause?.code ?? err?.name ?? 'error');
  } finally {
    inflight--;
  }
}

function pct(p) {
  if (latencies.length === 0) return null;
  const s = [...latencies].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
}

const interval = 1000 / rps;
let next = performance.now();
const sender = setInterval(() => {
  // Catch up on missed ticks, but never run away with requests in flight.
  while (performance.now() >= next && inflight < Math.max(10, rps * 2)) {
    void one();
    next += interval;
  }
}, Math.max(1, Math.min(interval, 20)));

const reporter = setInterval(() => {
  if (!quiet) {
    const t = Math.round((Date.now() - started) / 1000);
    const v = Object.entries(second.versions).map(([k, n]) => `${k}=${n}`).join(' ');
    console.log(`t=${t}s ok=${second.ok} failed=${second.failed} ${v}`.trim());
  }
  second = { ok: 0, failed: 0, versions: {} };
}, 1000);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  clearInterval(sender);
  clearInterval(reporter);
  const deadline = Date.now() + timeoutMs + 1000;
  while (inflight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  console.log(JSON.stringify({ traffic: 'summary', url: url.toString(), seconds: (Date.now() - started) / 1000, ...totals, p50Ms: pct(50), p99Ms: pct(99) }));
  process.exit(0);
}

process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (Number.isFinite(duration)) setTimeout(stop, duration * 1000);
