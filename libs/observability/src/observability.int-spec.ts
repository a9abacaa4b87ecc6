import { freePort, Receiver, Stack, waitFor } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ADMIN = 'adm-7f3c9e-secret-token';
const METRICS_TOKEN = 'metrics-5b1d';
let stack: Stack;
let receiver: Receiver;
let workerMetrics = '';
let executionId = '';
const api = () => stack.client;

async function scrape(url: string, token = METRICS_TOKEN): Promise<string> {
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(r.status).toBe(200);
  return r.text();
}
/** The value of one sample line, e.g. `gennaker_x{a="b"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: Array<{ key: string; value: { stringValue?: string } }>;
}
function spans(): Array<OtlpSpan & { service: string }> {
  return receiver.requests
    .filter((r) => r.path === '/v1/traces')
    .flatMap((r) => (r.json as any).resourceSpans as any[])
    .flatMap((rs) => {
      const service = rs.resource.attributes.find((a: any) => a.key === 'service.name')?.value.stringValue;
      return (rs.scopeSpans as any[]).flatMap((ss) => (ss.spans as OtlpSpan[]).map((s) => ({ ...s, service })));
    });
}
const attr = (s: OtlpSpan, key: string) => s.attributes?.find((a) => a.key === key)?.value.stringValue;

beforeAll(async () => {
  receiver = await new Receiver().start();
  const port = await freePort();
  workerMetrics = `http://127.0.0.1:${port}`;
  stack = await Stack.start({
    workers: 0,
    env: {
      GENNAKER_ADMIN_TOKEN: ADMIN,
      GENNAKER_METRICS_TOKEN: METRICS_TOKEN,
      GENNAKER_OTEL_ENABLED: 'true',
      GENNAKER_OTEL_ENDPOINT: `${receiver.url}/v1/traces`,
      GENNAKER_LOG_LEVEL: 'debug',
    },
  });
  await stack.startWorker({ GENNAKER_WORKER_METRICS_PORT: String(port), GENNAKER_WORKER_METRICS_HOST: '127.0.0.1' });
  expect((await api().post('/api/v1/applications', { name: 'obs' })).status).toBe(201);
  const p = await api().post('/api/v1/pipelines', {
    application: 'obs',
    name: 'watched',
    stages: [
      { refId: '1', type: 'wait', waitTime: 0 },
      { refId: '2', type: 'webhook', url: `${receiver.url}/hook`, method: 'POST', payload: { secret: 'do-not-log-me' }, requisiteStageRefIds: ['1'] },
    ],
  });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const r = await api().post(`/api/v1/pipelines/${p.body.id}/executions`, {});
  executionId = r.body.id;
  await waitFor(async () => (await api().get(`/api/v1/executions/${executionId}`)).body.status === 'SUCCEEDED', { timeoutMs: 30_000, message: () => stack.logs() });
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.stop();
});

describe('metrics', () => {
  it('the worker serves its engine metrics and health', async () => {
    let text = '';
    // A job's duration is observed when its handler returns, which is after the commit that
    // finished the execution (and after the finish listeners it runs): wait for both.
    await waitFor(
      async () =>
        sample((text = await scrape(`${workerMetrics}/metrics`)), 'gennaker_executions_total{application="obs",status="SUCCEEDED"}') === 1 &&
        (sample(text, 'gennaker_queue_job_duration_seconds_count{queue="tasks",message="RunTask"}') ?? 0) > 0,
      { message: () => text },
    );
    expect(sample(text, 'gennaker_executions_total{application="obs",status="RUNNING"}')).toBe(1);
    expect(sample(text, 'gennaker_stage_duration_seconds_count{type="webhook",status="SUCCEEDED"}')).toBe(1);
    expect(sample(text, 'gennaker_stage_duration_seconds_count{type="wait",status="SUCCEEDED"}')).toBe(1);
    expect(sample(text, 'gennaker_execution_duration_seconds_count{application="obs",status="SUCCEEDED"}')).toBe(1);
    expect(sample(text, 'gennaker_queue_wait_seconds_count{queue="engine"}')).toBeGreaterThan(0);
    expect(sample(text, 'gennaker_queue_job_duration_seconds_count{queue="tasks",message="RunTask"}')).toBeGreaterThan(0);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    const health = await fetch(`${workerMetrics}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', postgres: 'up', redis: 'up' });
  });

  it('the api serves queue depth and active executions, behind the metrics token', async () => {
    expect((await fetch(`${stack.apiUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${stack.apiUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN}x` } })).status).toBe(401);
    const text = await scrape(`${stack.apiUrl}/metrics`);
    expect(sample(text, 'gennaker_queue_jobs{queue="engine",state="failed"}')).toBe(0);
    expect(sample(text, 'gennaker_queue_jobs{queue="tasks",state="waiting"}')).toBeDefined();
    expect(sample(text, 'gennaker_executions_active{status="RUNNING"}')).toBe(0);
  });

  it('counts webhook deliveries by provider and answer', async () => {
    const r = await fetch(`${stack.apiUrl}/webhooks/git/github`, { method: 'POST', headers: { 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=00' }, body: '{}' });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(sample(await scrape(`${stack.apiUrl}/metrics`), `gennaker_webhook_deliveries_total{provider="github",status="${r.status}"}`)).toBe(1);
  });
});

describe('http', () => {
  it('keeps idle connections open longer than load balancers do (65 s, not Node\'s 5 s)', async () => {
    const { get } = await import('node:http');
    const header = await new Promise<string | undefined>((resolve, reject) => {
      get(`${stack.apiUrl}/api/v1/health`, { headers: { connection: 'keep-alive' } }, (res) => {
        res.resume();
        resolve(res.headers['keep-alive'] as string | undefined);
      }).on('error', reject);
    });
    expect(header).toBe('timeout=65');
  });
});

describe('logs', () => {
  it('are JSON lines, with execution and stage ids on engine logs and no secret', async () => {
    const worker = stack.workers[0]!.output.join('').split('\n').filter((l) => l.startsWith('{'));
    const parsed = worker.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.length).toBeGreaterThan(0);
    expect(parsed.every((l) => typeof l['level'] === 'string' && typeof l['time'] === 'string' && l['service'] === 'gennaker-worker')).toBe(true);
    // The webhook task logs its call (debug); that line carries the ids of what it ran for.
    const engineLines = parsed.filter((l) => l['executionId'] === executionId);
    expect(engineLines.length, worker.join('\n').slice(-3000)).toBeGreaterThan(0);
    expect(engineLines.some((l) => typeof l['stageId'] === 'string' && l['messageType'] === 'RunTask')).toBe(true);
    // A request with the token in its query string is logged without it.
    await fetch(`${stack.apiUrl}/api/v1/executions/${executionId}?access_token=${ADMIN}`);
    await waitFor(() => stack.api!.output.join('').includes(`/api/v1/executions/${executionId}?access_token=[redacted]`), { message: () => stack.api!.output.join('').slice(-3000) });
    expect(stack.logs()).not.toContain(ADMIN);
    expect(stack.logs()).not.toContain(METRICS_TOKEN);
  });

  it("tell the operator at start when Postgres' autovacuum is off, and only then", async () => {
    const { Client } = await import('pg');
    const c = new Client({ connectionString: stack.databaseUrl });
    await c.connect();
    const off = (await c.query(`SELECT current_setting('autovacuum') <> 'on' OR current_setting('track_counts') <> 'on' AS off`)).rows[0].off as boolean;
    await c.end();
    const warned = () => stack.workers[0]!.output.join('').split('\n').some((l) => l.includes('"level":"warn"') && l.includes('autovacuum='));
    if (off) await waitFor(warned, { message: () => stack.workers[0]!.output.join('').slice(-2000) });
    else expect(warned()).toBe(false);
  });
});

describe('traces', () => {
  it('follow a run from the api request through the queue to the worker', async () => {
    let all: ReturnType<typeof spans> = [];
    await waitFor(() => (all = spans()).some((s) => s.name === 'engine ExecutionFinished' && attr(s, 'gennaker.executionId') === executionId), { timeoutMs: 30_000, message: () => JSON.stringify(all.map((s) => s.name)) });
    const start = all.find((s) => s.service === 'gennaker-api' && s.name.startsWith('POST /api/v1/pipelines/') && s.name.endsWith('/executions'));
    expect(start).toBeDefined();
    const mine = all.filter((s) => attr(s, 'gennaker.executionId') === executionId);
    expect(mine.map((s) => s.name)).toEqual(expect.arrayContaining(['engine StartExecution', 'engine RunTask', 'engine ExecutionFinished']));
    // One trace: every engine step of this execution continues the api request's trace.
    expect(new Set(mine.map((s) => s.traceId))).toEqual(new Set([start!.traceId]));
    const startExecution = mine.find((s) => s.name === 'engine StartExecution')!;
    expect(startExecution.service).toBe('gennaker-worker');
    expect(startExecution.parentSpanId).toBe(start!.spanId);
  });
});

describe('queue dashboard', () => {
  it('is for admins: a token once in the URL, then a cookie', async () => {
    expect((await fetch(`${stack.apiUrl}/admin/queues`)).status).toBe(401);
    const page = await fetch(`${stack.apiUrl}/admin/queues?access_token=${ADMIN}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Gennaker queues</title>');
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/gennaker_dashboard_token=.*HttpOnly/i);
    const queues = await fetch(`${stack.apiUrl}/admin/queues/api/queues`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(queues.status).toBe(200);
    expect(((await queues.json()) as any).queues.map((q: any) => q.name).sort()).toEqual(['canary', 'cloud', 'engine', 'notifications', 'tasks']);
    expect((await fetch(`${stack.apiUrl}/admin/queues/api/queues`, { headers: { cookie: 'gennaker_dashboard_token=wrong' } })).status).toBe(401);
  });
});
