// Benchmark (issue 6): 200 signed GitHub push deliveries per second for 30 s against a real api and
// workers. Measures the ack latency (p50/p99, target p99 <= 50 ms), trigger-to-first-stage RUNNING
// (p99, target <= 250 ms: from the request being sent to the first stage's start time), and checks
// that executions started = deliveries matched (no loss, no duplicates). commitMs times a bare
// commit made beside the load, durable and not: an ack cannot come sooner than its delivery's commit.
// Run: npm run bench -- webhook   (BENCH_RATE, BENCH_SECONDS, BENCH_WORKERS, BENCH_WARMUP_SECONDS override; last line is JSON)
// One client address sends everything, so the api's per-address webhook rate limit is lifted here.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Stack, waitFor } from '@gennaker/testkit';
import { Client } from 'pg';
import { commandCpuDelta, commandCpuSeconds, machineBusySeconds, processCpuSeconds } from '../shared/cpu';

const RATE = Number(process.env['BENCH_RATE'] ?? 200);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 30);
const WORKERS = Number(process.env['BENCH_WORKERS'] ?? 2);
const SECRET = 'bench-secret';
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 5);
// One delivery in ten pushes a branch no trigger wants: it must start nothing.
const UNMATCHED_EVERY = 10;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function payload(i: number, branch: string): string {
  return JSON.stringify({
    ref: `refs/heads/${branch}`,
    before: '0'.repeat(39) + '1',
    after: i.toString(16).padStart(40, 'a'),
    repository: { name: 'api', full_name: 'acme/api', owner: { login: 'acme' }, clone_url: 'https://github.com/acme/api.git' },
    pusher: { name: 'bench' },
    head_commit: { id: i.toString(16).padStart(40, 'a') },
    commits: [{ id: i.toString(16).padStart(40, 'a'), added: [], modified: ['src/main.ts'], removed: [] }],
  });
}

// Like a Git host or a proxy: a bounded pool of keep-alive connections, not one socket per delivery.
const agent = new Agent({ keepAlive: true, maxSockets: Number(process.env['BENCH_CONNECTIONS'] ?? 64) });
let apiUrl = '';

function post(body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${apiUrl}/webhooks/git/github`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Delivery {
  id: string;
  body: string;
  headers: Record<string, string>;
}

function delivery(id: string, body: string): Delivery {
  return { id, body, headers: { 'x-github-event': 'push', 'x-github-delivery': id, 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` } };
}

/**
 * Open loop: each delivery leaves at its slot (RATE per second), whatever the answers to earlier
 * ones. Resolves when every one is answered, with how long the sending took.
 */
async function sendOpenLoop(
  list: Delivery[],
  answered: (d: Delivery, sentAt: number, answer: { status: number; text: string }) => void,
  failed: (err: unknown) => void,
): Promise<{ sendSeconds: number; lastSentAt: number }> {
  const inflight: Array<Promise<void>> = [];
  const t0 = performance.now();
  for (let i = 0; i < list.length; i++) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const d = list[i]!;
    const start = performance.now();
    inflight.push(post(d.body, d.headers).then((answer) => answered(d, start, answer), failed));
  }
  const lastSentAt = performance.now();
  await Promise.all(inflight);
  return { sendSeconds: (lastSentAt - t0) / 1000, lastSentAt };
}

/**
 * The disk's floor under the ack: while the deliveries go, a connection of its own commits one tiny
 * row every PROBE_EVERY_MS and times each (a durable commit waits for the WAL flush, as a delivery's
 * does); a second one does the same without waiting for the flush (synchronous_commit off), which
 * leaves only the machine's CPU queue. When the durable commits are slow and the others are not,
 * the disk holds every ack back, whatever Gennaker does.
 */
const PROBE_EVERY_MS = 50;

function commitProbe(url: string, durable: boolean): { stop: () => Promise<number[]> } {
  const client = new Client({ connectionString: url });
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    await client.connect();
    if (!durable) await client.query('SET synchronous_commit = off');
    while (running) {
      const t0 = performance.now();
      await client.query('INSERT INTO bench_commit_probe VALUES (now())');
      const took = performance.now() - t0;
      times.push(took);
      if (took < PROBE_EVERY_MS) await new Promise((r) => setTimeout(r, PROBE_EVERY_MS - took));
    }
  })();
  // A failed probe fails the run when stopped, not the process before the stack is stopped.
  loop.catch(() => undefined);
  return {
    stop: async () => {
      running = false;
      await loop;
      await client.end();
      return times.sort((a, b) => a - b);
    },
  };
}

function probeFigures(times: number[]): { p50: number; p99: number; max: number; over50: number; samples: number } {
  const r = (v: number) => Math.round(v * 10) / 10;
  return { p50: r(percentile(times, 50)), p99: r(percentile(times, 99)), max: r(times[times.length - 1] ?? NaN), over50: times.filter((t) => t > 50).length, samples: times.length };
}

async function main(): Promise<void> {
  const stack = await Stack.start({ workers: WORKERS, env: { GENNAKER_DB_POOL_SIZE: '20', GENNAKER_RETENTION_INTERVAL_MS: '0', GENNAKER_WEBHOOK_RATE_LIMIT: '1000000', ...(process.env['BENCH_NODE_OPTIONS'] ? { NODE_OPTIONS: process.env['BENCH_NODE_OPTIONS'] } : {}), ...(process.env['BENCH_PGOPTIONS'] ? { PGOPTIONS: process.env['BENCH_PGOPTIONS'] } : {}) } });
  // Interrupted: still stop the api and workers and drop the database.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stack.stop().finally(() => process.exit(130)));
  apiUrl = stack.apiUrl;
  const db = new Client({ connectionString: stack.databaseUrl });
  try {
    await db.connect();
    await stack.client.post('/api/v1/applications', { name: 'bench' });
    const created = await stack.client.post('/api/v1/pipelines', {
      application: 'bench',
      name: 'on-push',
      limitConcurrent: false,
      stages: [{ refId: '1', type: 'wait', waitTime: 0 }],
      triggers: [{ type: 'git', enabled: true, source: 'github', project: 'acme', slug: 'api', branch: '^main$', secret: SECRET }],
    });
    if (created.status !== 201) throw new Error(`pipeline not created: ${JSON.stringify(created.body)}`);
    // Decoys: other repositories' pipelines the matcher must explain away on every delivery.
    for (let k = 0; k < 20; k++) {
      await stack.client.post('/api/v1/pipelines', {
        application: 'bench', name: `decoy-${k}`, stages: [{ refId: '1', type: 'wait', waitTime: 0 }],
        triggers: [{ type: 'git', source: 'github', project: 'acme', slug: `svc${k}`, secret: `s${k}` }],
      });
    }
    // Warm up at the measured rate (a server that has been up for a while: JIT-compiled code, full
    // connection pools), on a branch no trigger wants, so it starts nothing. BENCH_WARMUP_SECONDS=0: cold.
    const warm = Array.from({ length: Math.round(RATE * WARMUP_SECONDS) }, (_, i) => delivery(`warm-${i}`, payload(1e9 + i, 'warmup')));
    await sendOpenLoop(warm, () => undefined, () => undefined);

    const total = RATE * SECONDS;
    // Signed before the clock starts: signing is the sender's work, done on the Git host's machines.
    const deliveries = Array.from({ length: total }, (_, i) => delivery(`bench-${i}`, payload(i, i % UNMATCHED_EVERY === 0 ? 'dev' : 'main')));
    const matched = deliveries.filter((_, i) => i % UNMATCHED_EVERY !== 0).length;
    const sentAt = new Map<string, number>();
    const acks: number[] = [];
    const failures: string[] = [];
    const executionIds: string[] = [];
    // CPU used while the deliveries are sent (and their runs go on): what one delivery costs.
    const cpuNow = () => ({
      api: processCpuSeconds(stack.api?.proc.pid),
      workers: stack.workers.reduce((sum, w) => sum + processCpuSeconds(w.proc.pid), 0),
      postgres: commandCpuSeconds('postgres'),
      redis: commandCpuSeconds('redis-server'),
      bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
      machine: machineBusySeconds(),
    });
    // WAL flushes (each a wait for the disk) of the whole cluster while sending.
    const walSyncs = async (): Promise<number> => Number((await db.query(`SELECT wal_sync FROM pg_stat_wal`)).rows[0]?.wal_sync ?? NaN);
    const wal0 = await walSyncs();
    const cpu0 = cpuNow();
    await db.query('CREATE TABLE bench_commit_probe (at timestamptz NOT NULL)');
    const probes = { durable: commitProbe(stack.databaseUrl, true), noFlush: commitProbe(stack.databaseUrl, false) };
    const { sendSeconds, lastSentAt } = await sendOpenLoop(
      deliveries,
      (d, start, { status, text }) => {
        sentAt.set(d.id, performance.timeOrigin + start);
        // From the delivery's slot: time spent waiting for a free connection counts, as it would for a sender.
        acks.push(performance.now() - start);
        if (status !== 202) failures.push(`${status} ${text.slice(0, 200)}`);
        else executionIds.push(...(JSON.parse(text) as { executions: string[] }).executions);
      },
      (err) => failures.push(String(err)),
    );
    const cpu1 = cpuNow();
    const walFlushes = (await walSyncs()) - wal0;
    const commitMs = { durable: probeFigures(await probes.durable.stop()), noFlush: probeFigures(await probes.noFlush.stop()) };
    const msEach = (seconds: number) => Math.round((seconds * 1000 * 100) / total) / 100;
    const cpuMsPerDelivery = {
      api: msEach(cpu1.api - cpu0.api),
      workers: msEach(cpu1.workers - cpu0.workers),
      postgres: msEach(commandCpuDelta(cpu0.postgres, cpu1.postgres)),
      redis: msEach(commandCpuDelta(cpu0.redis, cpu1.redis)),
      // This process: signing and sending the deliveries.
      bench: msEach(cpu1.bench - cpu0.bench),
      machine: msEach(cpu1.machine - cpu0.machine),
    };

    // Wait until every matched delivery's execution has started its first stage, or until no more
    // start for 60 s (an engine that cannot keep up): the figures then say how many never did.
    // BENCH_WORKERS=0 measures the api alone.
    const firstStages = async (): Promise<number> =>
      (await db.query(`SELECT count(*)::int AS n FROM stages s JOIN executions e ON e.id = s.execution_id WHERE e.pipeline_config_id = $1 AND s.ref_id = '1' AND s.parent_stage_id IS NULL AND s.start_time IS NOT NULL`, [created.body.id])).rows[0].n as number;
    let last = -1;
    let lastChange = Date.now();
    if (WORKERS > 0) {
      await waitFor(async () => {
        const n = await firstStages();
        if (n !== last) {
          last = n;
          lastChange = Date.now();
        }
        return n >= matched || Date.now() - lastChange > 60_000;
      }, { timeoutMs: 3_600_000, intervalMs: 1000 });
    }
    const drainSeconds = Math.round((performance.now() - lastSentAt) / 1000);

    const rows = await db.query(
      `SELECT e.id, e.trigger->>'deliveryId' AS delivery, extract(epoch FROM s.start_time) * 1000 AS started
         FROM executions e JOIN stages s ON s.execution_id = e.id AND s.ref_id = '1' AND s.parent_stage_id IS NULL
        WHERE e.pipeline_config_id = $1`,
      [created.body.id],
    );
    const toFirstStage: number[] = [];
    // Executions whose first stage has not started yet have a null start: they count as not started.
    const perDelivery = new Map<string, number>();
    for (const r of rows.rows as Array<{ id: string; delivery: string; started: number }>) {
      perDelivery.set(r.delivery, (perDelivery.get(r.delivery) ?? 0) + 1);
      const sent = sentAt.get(r.delivery);
      if (sent !== undefined && r.started !== null) toFirstStage.push(Number(r.started) - sent);
    }
    const benchRows = [...perDelivery.keys()].filter((d) => d.startsWith('bench-'));
    const duplicates = [...perDelivery.values()].filter((n) => n > 1).length;
    const unmatchedStarted = benchRows.filter((d) => Number(d.slice(6)) % UNMATCHED_EVERY === 0).length;
    acks.sort((a, b) => a - b);
    toFirstStage.sort((a, b) => a - b);
    const result = {
      bench: 'webhook',
      rate: RATE,
      seconds: SECONDS,
      workers: WORKERS,
      connections: agent.maxSockets,
      deliveries: total,
      achievedRate: Math.round((total / sendSeconds) * 10) / 10,
      failures: failures.length,
      ackP50Ms: Math.round(percentile(acks, 50) * 10) / 10,
      ackP99Ms: Math.round(percentile(acks, 99) * 10) / 10,
      ackMaxMs: Math.round((acks[acks.length - 1] ?? NaN) * 10) / 10,
      // CPU per delivery while sending, by process (2 vCPUs at 200/s leave 10 ms for the machine).
      cpuMsPerDelivery,
      toFirstStageP50Ms: WORKERS > 0 ? Math.round(percentile(toFirstStage, 50)) : null,
      toFirstStageP99Ms: WORKERS > 0 ? Math.round(percentile(toFirstStage, 99)) : null,
      matched,
      executionsStarted: benchRows.length,
      firstStageStarted: toFirstStage.length,
      drainSeconds,
      executionsAnswered: executionIds.length,
      duplicates,
      unmatchedStarted,
      noLossNoDuplicates: benchRows.length === matched && duplicates === 0 && unmatchedStarted === 0 && executionIds.length === matched,
      // A bare commit made beside the load, durable and without the flush: the floor under the ack.
      commitMs,
      walFlushesPerDelivery: Math.round((walFlushes / total) * 100) / 100,
      targets: { ackP99Ms: 50, toFirstStageP99Ms: 250 },
    };
    if (failures.length > 0) {
      console.error(`first failures: ${failures.slice(0, 5).join('\n')}`);
      const errors = (stack.api?.output.join('') ?? '').split('\n').filter((l) => /error id|"level":"(error|warn)"/.test(l));
      console.error(`api errors:\n${errors.slice(0, 5).join('\n').slice(0, 4000)}`);
    }
    console.log(JSON.stringify(result));
  } finally {
    await db.end().catch(() => undefined);
    agent.destroy();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
