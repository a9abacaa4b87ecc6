// npm run bench -- engine
// Raw BullMQ no-op jobs/s at concurrency C, then Gennaker no-op stages/s (pipelines of 10 wait
// stages with waitTime 0, 100 executions in flight, same C) on the same Redis, each Gennaker run
// right after a raw one; the ratio; the
// stage-to-stage overhead p50/p99; the RSS of api + worker after 10,000 finished executions.
// Targets (issue 2): ratio >= 0.20, p50 <= 5 ms, p99 <= 25 ms, RSS <= 600 MiB together.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Stack, waitFor } from '@gennaker/testkit';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { commandCpuDelta, commandCpuSeconds, machineBusySeconds, processCpuSeconds } from '../shared/cpu';

const C = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const RAW_JOBS = Number(process.env['BENCH_RAW_JOBS'] ?? 20_000);
const EXECUTIONS = Number(process.env['BENCH_EXECUTIONS'] ?? 500);
// Executions run first and not timed, so the measured ones run on warm code (as raw BullMQ's do).
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 200);
const IN_FLIGHT = 100;
const TOTAL_FOR_RSS = Number(process.env['BENCH_RSS_EXECUTIONS'] ?? 10_000);
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number);
}

function rssMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function rawBullmq(): Promise<number> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = `bench-raw-${process.pid}`;
  const queue = new Queue('noop', { connection, prefix });
  for (let i = 0; i < RAW_JOBS; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, RAW_JOBS - i) }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { removeOnComplete: true } })));
  }
  let done = 0;
  const started = Date.now();
  // A connection given to BullMQ stays open when the worker closes: kept here to close it (or the bench never exits).
  const workerConnection = connection.duplicate();
  const worker = new Worker('noop', async () => undefined, { connection: workerConnection, prefix, concurrency: C });
  worker.on('completed', () => done++);
  await waitFor(() => done >= RAW_JOBS, { timeoutMs: 300_000, intervalMs: 20 });
  const seconds = (Date.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  workerConnection.disconnect();
  connection.disconnect();
  return RAW_JOBS / seconds;
}

interface EngineRun {
  /** End of a stage to the start of the next, p99 (ms). */
  handOffP99: number;
  stagesPerSec: number;
  p50: number;
  p99: number;
  /** CPU time per execution, ms: the api process, the worker process, Postgres, Redis and the whole machine. */
  cpuMs: { api: number; worker: number; postgres: number; redis: number; machine: number };
}

function cpuNow(stack: Stack) {
  return {
    api: processCpuSeconds(stack.api?.proc.pid),
    worker: processCpuSeconds(stack.workers[0]?.proc.pid),
    postgres: commandCpuSeconds('postgres'),
    redis: commandCpuSeconds('redis-server'),
    machine: machineBusySeconds(),
  };
}

// One connection per database for the bench's own polling: a connection per poll would fork a
// Postgres backend each time and bill the engine for the bench's work.
const counters = new Map<string, Promise<import('pg').Client>>();

async function countDone(stack: Stack): Promise<number> {
  let client = counters.get(stack.databaseUrl);
  if (!client) {
    client = import('pg').then(async ({ Client }) => {
      const c = new Client({ connectionString: stack.databaseUrl });
      await c.connect();
      return c;
    });
    counters.set(stack.databaseUrl, client);
  }
  const r = await (await client).query(`SELECT count(*)::int AS n FROM executions WHERE status IN ('SUCCEEDED','TERMINAL','CANCELED')`);
  return r.rows[0].n as number;
}

async function closeCounter(stack: Stack): Promise<void> {
  const client = counters.get(stack.databaseUrl);
  counters.delete(stack.databaseUrl);
  if (client) await (await client).end();
}

// The load generator's own cost is kept small (it shares the machine): plain keep-alive HTTP/1.1
// connections, as a CI system or a proxy would use, instead of fetch.
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

function startExecution(stack: Stack, pipelineId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${stack.apiUrl}/api/v1/pipelines/${pipelineId}/executions`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': 2 } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`start answered ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end('{}');
  });
}

/** Keeps `inFlight` executions of a pipeline running until `total` have been started and finished. */
async function runMany(stack: Stack, pipelineId: string, total: number, inFlight: number, alreadyDone: number): Promise<void> {
  let launched = 0;
  while (launched < total) {
    const done = (await countDone(stack)) - alreadyDone;
    const batch = Math.min(Math.max(0, inFlight - (launched - done)), total - launched);
    await Promise.all(Array.from({ length: batch }, () => startExecution(stack, pipelineId)));
    launched += batch;
    if (batch === 0) await new Promise((r) => setTimeout(r, 20));
  }
  await waitFor(async () => (await countDone(stack)) - alreadyDone >= total, { timeoutMs: 900_000, intervalMs: 50 });
}

async function engineRun(stack: Stack): Promise<EngineRun> {
  const api = stack.client;
  await api.post('/api/v1/applications', { name: 'bench' });
  const ten = await api.post('/api/v1/pipelines', {
    application: 'bench',
    name: 'ten-waits',
    limitConcurrent: false,
    stages: Array.from({ length: 10 }, (_, i) => ({ refId: String(i + 1), type: 'wait', waitTime: 0, requisiteStageRefIds: i === 0 ? [] : [String(i)] })),
  });
  await runMany(stack, ten.body.id, WARMUP, IN_FLIGHT, 0);
  const started = Date.now();
  const cpu0 = cpuNow(stack);
  await runMany(stack, ten.body.id, EXECUTIONS, IN_FLIGHT, WARMUP);
  const cpu1 = cpuNow(stack);
  const seconds = (Date.now() - started) / 1000;
  const perExecution = (seconds: number) => (seconds * 1000) / EXECUTIONS;
  const { Client } = await import('pg');
  const c = new Client({ connectionString: stack.databaseUrl });
  await c.connect();
  const rows = await c.query(
    `SELECT execution_id, ref_id::int AS n, extract(epoch from start_time) * 1000 AS s, extract(epoch from end_time) * 1000 AS e
       FROM stages WHERE parent_stage_id IS NULL ORDER BY execution_id, ref_id::int`,
  );
  await c.end();
  // From the end of one stage to the end of the next: picking up the next step, running its
  // no-op task and storing the result (the engine's whole cost of one stage).
  const gaps: number[] = [];
  // From the end of one stage to the start of the next: the hand-off alone (the next stage starts
  // in the transaction that ends the one before, so this is 0 unless that ever changes).
  const handOffs: number[] = [];
  for (let i = 1; i < rows.rows.length; i++) {
    const prev = rows.rows[i - 1];
    const cur = rows.rows[i];
    if (prev.execution_id === cur.execution_id && cur.n === prev.n + 1) {
      gaps.push(Number(cur.e) - Number(prev.e));
      handOffs.push(Number(cur.s) - Number(prev.e));
    }
  }
  return {
    stagesPerSec: (EXECUTIONS * 10) / seconds,
    p50: pct(gaps, 50),
    p99: pct(gaps, 99),
    handOffP99: pct(handOffs, 99),
    cpuMs: {
      api: perExecution(cpu1.api - cpu0.api),
      worker: perExecution(cpu1.worker - cpu0.worker),
      postgres: perExecution(commandCpuDelta(cpu0.postgres, cpu1.postgres)),
      redis: perExecution(commandCpuDelta(cpu0.redis, cpu1.redis)),
      machine: perExecution(cpu1.machine - cpu0.machine),
    },
  };
}

function cpuLine(run: EngineRun): string {
  const { api, worker, postgres, redis, machine } = run.cpuMs;
  return `CPU per execution: api ${api.toFixed(1)} ms, worker ${worker.toFixed(1)} ms, Postgres ${postgres.toFixed(1)} ms, Redis ${redis.toFixed(1)} ms, whole machine ${machine.toFixed(1)} ms (this bench included)`;
}

const stackEnv = {
  GENNAKER_DB_POOL_SIZE: '20',
  GENNAKER_ENGINE_CONCURRENCY: String(C),
  GENNAKER_TASK_CONCURRENCY: String(C),
  GENNAKER_RETENTION_INTERVAL_MS: '0',
  // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the api and worker
  ...(process.env['BENCH_NODE_ARGS'] ? { GENNAKER_TEST_NODE_ARGS: process.env['BENCH_NODE_ARGS'] } : {}),
};

async function main(): Promise<void> {
  // Each Gennaker run is compared with raw BullMQ measured just before it: this VM's speed drifts
  // by half within minutes, so one raw figure taken a run earlier would skew the ratio either way.
  const raw = async (): Promise<number> => {
    console.log(`raw BullMQ: ${RAW_JOBS} no-op jobs at concurrency ${C}...`);
    const jobsPerSec = await rawBullmq();
    console.log(`  ${jobsPerSec.toFixed(0)} jobs/s`);
    return jobsPerSec;
  };
  const rawBeforeQueued = await raw();

  // 1. Every task through the queue (as any task with I/O goes): the engine's messaging cost.
  console.log(`Gennaker, every task queued: ${EXECUTIONS} executions of 10 wait(0) stages (after ${WARMUP} not timed), ${IN_FLIGHT} in flight...`);
  const queuedStack = await Stack.start({ workers: 1, env: { ...stackEnv, GENNAKER_INLINE_TASKS: 'false' } });
  let queued: EngineRun;
  try {
    queued = await engineRun(queuedStack);
  } finally {
    await closeCounter(queuedStack);
    await queuedStack.stop();
  }
  console.log(`  ${queued.stagesPerSec.toFixed(0)} stages/s; stage-to-stage (end to end) p50 ${queued.p50.toFixed(1)} ms, p99 ${queued.p99.toFixed(1)} ms; hand-off (end to next start) p99 ${queued.handOffP99.toFixed(1)} ms`);
  console.log(`  ${cpuLine(queued)}`);

  // 2. The default: pure tasks such as wait(0) run in the step that starts them.
  const rawJobsPerSec = await raw();
  console.log(`Gennaker, default settings: the same pipelines...`);
  const stack = await Stack.start({ workers: 1, env: stackEnv });
  try {
    const run = await engineRun(stack);
    console.log(`  ${run.stagesPerSec.toFixed(0)} stages/s; stage-to-stage p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms`);
    console.log(`  ${cpuLine(run)}`);

    // Memory after 10,000 finished executions (the rest as one-stage runs, to keep the run short).
    const one = await stack.client.post('/api/v1/pipelines', { application: 'bench', name: 'one-wait', limitConcurrent: false, stages: [{ refId: '1', type: 'wait', waitTime: 0 }] });
    console.log(`running ${TOTAL_FOR_RSS - WARMUP - EXECUTIONS} more executions to reach ${TOTAL_FOR_RSS} finished...`);
    await runMany(stack, one.body.id, TOTAL_FOR_RSS - WARMUP - EXECUTIONS, 200, WARMUP + EXECUTIONS);
    const apiRss = rssMiB(stack.api?.proc.pid);
    const workerRss = rssMiB(stack.workers[0]?.proc.pid);
    console.log(`  RSS after ${TOTAL_FOR_RSS} executions: api ${apiRss.toFixed(0)} MiB + worker ${workerRss.toFixed(0)} MiB = ${(apiRss + workerRss).toFixed(0)} MiB`);

    const result = {
      bench: 'engine',
      concurrency: C,
      rawJobsPerSec: Math.round(rawJobsPerSec),
      rawJobsPerSecBeforeQueued: Math.round(rawBeforeQueued),
      stagesPerSec: Math.round(run.stagesPerSec),
      ratio: Number((run.stagesPerSec / rawJobsPerSec).toFixed(3)),
      stageToStageP50Ms: Number(run.p50.toFixed(2)),
      stageToStageP99Ms: Number(run.p99.toFixed(2)),
      cpuMsPerExecution: Object.fromEntries(Object.entries(run.cpuMs).map(([k, v]) => [k, Number(v.toFixed(2))])),
      queuedCpuMsPerExecution: Object.fromEntries(Object.entries(queued.cpuMs).map(([k, v]) => [k, Number(v.toFixed(2))])),
      queuedStagesPerSec: Math.round(queued.stagesPerSec),
      queuedRatio: Number((queued.stagesPerSec / rawBeforeQueued).toFixed(3)),
      queuedStageToStageP50Ms: Number(queued.p50.toFixed(2)),
      queuedStageToStageP99Ms: Number(queued.p99.toFixed(2)),
      queuedHandOffP99Ms: Number(queued.handOffP99.toFixed(2)),
      executionsForRss: TOTAL_FOR_RSS,
      rssApiMiB: Math.round(apiRss),
      rssWorkerMiB: Math.round(workerRss),
      rssTotalMiB: Math.round(apiRss + workerRss),
      targets: { ratio: 0.2, p50Ms: 5, p99Ms: 25, rssTotalMiB: 600 },
    };
    console.log(JSON.stringify(result));
  } finally {
    await closeCounter(stack);
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
