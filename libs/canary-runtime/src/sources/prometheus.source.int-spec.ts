// The Prometheus source against a real Prometheus (/usr/bin/prometheus, started here on a random
// port with a 1 s scrape interval) scraping a tiny target of ours that exposes known gauges and
// counters for three server groups. Skipped, saying so, when the binary is absent.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, TransientError } from '@gennaker/common';
import { judge, type CanaryConfig } from '@gennaker/canary';
import { collectMetricData, MetricSourceRegistry, type MetricScope } from '@gennaker/metrics';
import { metricSourceSuite } from '@gennaker/metrics/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusMetricSource } from './prometheus.source';

const PROMETHEUS = process.env['PROMETHEUS_BIN'] ?? '/usr/bin/prometheus';
const available = existsSync(PROMETHEUS);
if (!available) console.log(`[canary-runtime] Prometheus source suite skipped: no Prometheus binary at ${PROMETHEUS} (apt-get install prometheus, or set PROMETHEUS_BIN)`);

const HIGH = 'hello-prod-canary-v002';
const LOW = 'hello-prod-baseline-v001';
const EMPTY = 'hello-prod-none-v009';

let target: Server;
let prometheus: ChildProcess | null = null;
let promUrl = '';
let dir = '';
const output: string[] = [];
let window = { start: 0, end: 0, stepMs: 1000 };
let started = 0;
let ready: Promise<void> | null = null;

/** A target whose gauges wobble around known levels and whose counters grow at known rates. */
function metricsText(): string {
  const t = Date.now() / 1000;
  const wobble = (seed: number) => Math.sin(t * 1.7 + seed) * 0.5;
  const elapsed = (Date.now() - started) / 1000;
  return [
    '# TYPE canary_latency_ms gauge',
    `canary_latency_ms{server_group="${HIGH}",region="local"} ${20 + wobble(1)}`,
    `canary_latency_ms{server_group="${LOW}",region="local"} ${5 + wobble(2)}`,
    '# TYPE canary_requests_total counter',
    `canary_requests_total{server_group="${HIGH}",region="local",instance_id="a"} ${Math.floor(elapsed * 30)}`,
    `canary_requests_total{server_group="${HIGH}",region="local",instance_id="b"} ${Math.floor(elapsed * 30)}`,
    `canary_requests_total{server_group="${LOW}",region="local",instance_id="a"} ${Math.floor(elapsed * 10)}`,
    '',
  ].join('\n');
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (prometheus?.exitCode !== null && prometheus?.exitCode !== undefined) throw new Error(`prometheus exited: ${output.join('').slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output.join('').slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Prometheus scraping our target, with at least 14 s of samples: started once for both suites. */
function startOnce(): Promise<void> {
  ready ??= (async () => {
    started = Date.now();
    target = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(metricsText());
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    const targetPort = (target.address() as AddressInfo).port;
    dir = mkdtempSync(join(tmpdir(), 'gk-prom-'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:', '  - job_name: canary', '    static_configs:', `      - targets: ['127.0.0.1:${targetPort}']`, ''].join('\n'),
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    prometheus.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
    prometheus.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    await waitFor('Prometheus to be ready', async () => (await fetch(`${promUrl}/-/ready`)).ok);
    // Wait on the data itself: 14 samples of the gauge, scraped once a second.
    await waitFor('14 s of scraped samples', async () => {
      const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(`count_over_time(canary_latency_ms{server_group="${LOW}"}[1m])`)}`);
      const body = (await r.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
      return Number(body.data?.result?.[0]?.value[1] ?? 0) >= 14;
    });
    // A window the samples cover, ending a scrape ago.
    const end = Math.floor(Date.now() / 1000) * 1000 - 2000;
    window = { start: end - 10_000, end, stepMs: 1000 };
  })();
  return ready;
}

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    prometheus.kill('SIGTERM');
    await new Promise((r) => prometheus?.once('exit', r));
  }
  await new Promise((r) => (target ? target.close(r) : r(undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

metricSourceSuite('Prometheus (a real server scraping a test target)', async () => {
  if (!available) return null;
  await startOnce();
  return {
    source: new PrometheusMetricSource({ defaultEndpoint: { url: promUrl }, readyDelayMs: 2000 }),
    query: { type: 'prometheus', metricName: 'canary_latency_ms' },
    window,
    scopes: { high: { scope: HIGH, location: 'local' }, low: { scope: LOW, location: 'local' }, empty: { scope: EMPTY, location: 'local' } },
    expected: { high: 20, low: 5, tolerance: 0.6 },
    badQuery: { query: { type: 'prometheus', metricName: 'not a metric' }, pointer: '/metricName' },
  };
});

describe.skipIf(!available)('Prometheus source: PromQL templates, errors', () => {
  beforeAll(async () => {
    await startOnce();
  });
  const scope = (s: string): MetricScope => ({ scopeName: 'default', scope: s, location: 'local', ...window, extendedScopeParams: {} });

  it('runs an inline PromQL template over the scope (rates of counters summed over instances), and the judge tells them apart', async () => {
    const source = new PrometheusMetricSource({ defaultEndpoint: { url: promUrl } });
    const query = { type: 'prometheus', customInlineTemplate: 'PromQL:sum(rate(canary_requests_total{server_group="${scope}",region="${location}"}[5s]))' };
    const high = await source.fetch({ query, templates: {}, scope: scope(HIGH) });
    expect(high.description).toBe(`sum(rate(canary_requests_total{server_group="${HIGH}",region="local"}[5s]))`);
    const finite = high.values.filter(Number.isFinite);
    expect(finite.length).toBeGreaterThanOrEqual(9);
    // Two instances at 30 requests per second each.
    expect(finite.reduce((a, b) => a + b, 0) / finite.length).toBeGreaterThan(50);
    const config: CanaryConfig = { name: 'prom', metrics: [{ name: 'rps', query, groups: ['g'], analysisConfigurations: { canary: { direction: 'increase' } } }], classifier: { groupWeights: { g: 100 }, scoreThresholds: { marginal: 50, pass: 75 } } };
    const data = await collectMetricData(new MetricSourceRegistry([source]), config, { default: { control: scope(LOW), experiment: scope(HIGH) } });
    expect(judge(config, data).metrics[0]?.classification).toBe('High');
  });

  it('refuses a query returning several series (aggregate it) and bad PromQL as input errors naming the field', async () => {
    const source = new PrometheusMetricSource({ defaultEndpoint: { url: promUrl } });
    const several = await source.fetch({ query: { type: 'prometheus', metricName: 'canary_requests_total' }, templates: {}, scope: scope(HIGH) }).catch((e: unknown) => e);
    expect(several).toBeInstanceOf(InputError);
    expect(String((several as Error).message)).toMatch(/returned 2 series/);
    const bad = await source.fetch({ query: { type: 'prometheus', customInlineTemplate: 'sum(rate(x[5s]' }, templates: {}, scope: scope(HIGH) }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InputError);
    expect((bad as InputError).details[0]?.pointer).toBe('/customInlineTemplate');
  });

  it('an unreachable Prometheus is a transient error (retried), a missing one a clear input error', async () => {
    const down = new PrometheusMetricSource({ defaultEndpoint: { url: `http://127.0.0.1:${await freePort()}` }, timeoutMs: 2000 });
    await expect(down.fetch({ query: { type: 'prometheus', metricName: 'up' }, templates: {}, scope: scope(HIGH) })).rejects.toBeInstanceOf(TransientError);
    const none = new PrometheusMetricSource({ defaultEndpoint: null });
    await expect(none.fetch({ query: { type: 'prometheus', metricName: 'up' }, templates: {}, scope: scope(HIGH) })).rejects.toThrow(/GENNAKER_PROMETHEUS_URL/);
  });

  it('asks the Prometheus of the named metrics account, with its headers', async () => {
    const seen: string[] = [];
    const proxy = createServer((req, res) => {
      seen.push(String(req.headers['authorization']));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void fetch(`${promUrl}${req.url ?? ''}`, { method: req.method, headers: { 'content-type': String(req.headers['content-type']) }, body: Buffer.concat(chunks) }).then(async (r) => {
          res.writeHead(r.status, { 'content-type': 'application/json' });
          res.end(await r.text());
        });
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    try {
      const source = new PrometheusMetricSource({ defaultEndpoint: null, accounts: new Map([['team-prom', { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, headers: { authorization: 'Bearer s3cret' } }]]) });
      const r = await source.fetch({ query: { type: 'prometheus', metricName: 'canary_latency_ms' }, templates: {}, scope: { ...scope(LOW), metricsAccount: 'team-prom' } });
      expect(r.values.filter(Number.isFinite).length).toBeGreaterThan(5);
      expect(seen).toEqual(['Bearer s3cret']);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });
});
