// npm run bench -- footprint
// Spinnaker's small-install profile (50 applications, 250 deploys a day) compressed in time on the
// local provider: every deploy is a real bake + red/black deploy (1 instance per group, the old
// group scaled down) of examples/service, issued at an even pace over BENCH_LOAD_SECONDS (a day's
// deploys in a few minutes). CPU of the api and worker processes comes from /proc/<pid>/stat
// (utime + stime); idle CPU (timers, relay, repair, health checks of 50 running clusters) is
// measured afterwards for BENCH_IDLE_SECONDS and scaled to a real day:
//   CPU s/day = (load CPU - idle rate x load time) + idle rate x 86,400 s.
// Peak RSS: the largest sum of api + worker resident memory sampled every 250 ms, and each one's
// VmHWM. Targets (issue 9): <= 0.25 vCPU average over a real day, <= 600 MiB RSS together.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, Stack, waitFor } from '@gennaker/testkit';
import { Client } from 'pg';

const APPS = Number(process.env['BENCH_APPS'] ?? 50);
const DEPLOYS = Number(process.env['BENCH_DEPLOYS'] ?? 250);
const LOAD_SECONDS = Number(process.env['BENCH_LOAD_SECONDS'] ?? 240);
const IDLE_SECONDS = Number(process.env['BENCH_IDLE_SECONDS'] ?? 60);
const CLK_TCK = 100; // Linux USER_HZ
const DAY = 86_400;

function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields 14 and 15 of stat (utime, stime), counted from the state field (3) after the name
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

function statusKiB(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  if (!pid) return NaN;
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gk-footprint-'));
  const stack = await Stack.start({
    workers: 1,
    env: { GENNAKER_DATA_DIR: dataDir, GENNAKER_WORKER_METRICS_PORT: '0', GENNAKER_LOG_LEVEL: 'warn', GENNAKER_REPAIR_INTERVAL_MS: '10000', GENNAKER_REPAIR_GRACE_MS: '15000', GENNAKER_JOB_LOCK_MS: '30000' },
  });
  const apiPid = stack.api?.proc.pid;
  const workerPid = stack.workers[0]?.proc.pid;
  let peakRssKiB = 0;
  const sampler = setInterval(() => {
    try {
      peakRssKiB = Math.max(peakRssKiB, statusKiB(apiPid, 'VmRSS') + statusKiB(workerPid, 'VmRSS'));
    } catch {
      // a process ended
    }
  }, 250);
  const db = new Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    const template = JSON.parse(readFileSync(join(ROOT, 'examples/pipelines/hello-deploy.json'), 'utf8'));
    const pipelines: string[] = [];
    for (let a = 0; a < APPS; a++) {
      const app = `fp${String(a).padStart(2, '0')}`;
      const r0 = await stack.client.post('/api/v1/applications', { name: app });
      if (r0.status !== 201) throw new Error(`application ${app}: ${r0.status} ${JSON.stringify(r0.body)}`);
      const doc = JSON.parse(JSON.stringify(template));
      doc.application = app;
      doc.keepWaitingPipelines = true;
      const c = doc.stages[1].clusters[0];
      c.application = app;
      c.capacity = { min: 1, max: 1, desired: 1 };
      c.loadBalancers = [`${app}-demo`];
      c.localLoadBalancers = { [`${app}-demo`]: { port: await freePort() } };
      const r = await stack.client.post('/api/v1/pipelines', doc);
      if (r.status !== 201) throw new Error(`pipeline of ${app}: ${r.status} ${JSON.stringify(r.body)}`);
      pipelines.push(r.body.id as string);
    }
    console.log(`footprint: ${APPS} applications, ${DEPLOYS} red/black deploys over ${LOAD_SECONDS} s (a day compressed ${round(DAY / LOAD_SECONDS, 0)}x), then ${IDLE_SECONDS} s idle`);

    const cpu = () => cpuSeconds(apiPid) + cpuSeconds(workerPid);
    const cpu0 = cpu();
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < DEPLOYS; i++) {
      const due = started + (i * LOAD_SECONDS * 1000) / DEPLOYS;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const app = i % APPS;
      const version = Math.floor(i / APPS) % 2 === 0 ? 'v1' : 'v2';
      const r = await stack.client.post(`/api/v1/pipelines/${pipelines[app]}/executions`, { parameters: { version } });
      if (r.status !== 202) throw new Error(`deploy ${i}: ${r.status} ${JSON.stringify(r.body)}`);
      ids.push(r.body.id as string);
    }
    const counts = async () => (await db.query(`SELECT status, count(*)::int AS n FROM executions GROUP BY status`)).rows as Array<{ status: string; n: number }>;
    let last: Array<{ status: string; n: number }> = [];
    await waitFor(async () => (last = await counts()).filter((c) => ['SUCCEEDED', 'TERMINAL', 'CANCELED'].includes(c.status)).reduce((n, c) => n + c.n, 0) >= DEPLOYS, {
      timeoutMs: (LOAD_SECONDS + 900) * 1000,
      intervalMs: 1000,
      message: () => `all deploys to finish: ${JSON.stringify(last)}\n${stack.logs()}`,
    });
    const loadSeconds = (Date.now() - started) / 1000;
    const cpu1 = cpu();
    const outcome = Object.fromEntries((await counts()).map((c) => [c.status, c.n]));
    const live = (await db.query(`SELECT count(*)::int AS n FROM local_instances WHERE state = 'up'`)).rows[0].n as number;

    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const cpu2 = cpu();
    const idleRate = (cpu2 - cpu1) / IDLE_SECONDS;
    const workCpu = Math.max(0, cpu1 - cpu0 - idleRate * loadSeconds);
    const cpuPerDay = workCpu + idleRate * DAY;
    const avgVcpu = cpuPerDay / DAY;
    const hwm = (statusKiB(apiPid, 'VmHWM') + statusKiB(workerPid, 'VmHWM')) / 1024;
    const peakRssMiB = peakRssKiB / 1024;

    console.log(`deploys: ${JSON.stringify(outcome)} in ${round(loadSeconds)} s; ${live} instances up afterwards`);
    console.log(`CPU during the compressed day: ${round(cpu1 - cpu0)} s (api + worker), of which deploy work ${round(workCpu)} s`);
    console.log(`CPU idle with ${APPS} clusters running: ${round(idleRate * 1000, 2)} ms/s`);
    console.log(`CPU per real day: ${round(cpuPerDay)} s = ${round(avgVcpu, 4)} vCPU average (target <= 0.25)`);
    console.log(`peak RSS api + worker: ${round(peakRssMiB)} MiB sampled, ${round(hwm)} MiB by VmHWM (target <= 600)`);
    const result = {
      bench: 'footprint',
      apps: APPS,
      deploys: DEPLOYS,
      succeeded: outcome['SUCCEEDED'] ?? 0,
      loadSeconds: round(loadSeconds),
      compression: round(DAY / LOAD_SECONDS, 0),
      cpuLoadSeconds: round(cpu1 - cpu0, 2),
      cpuWorkSeconds: round(workCpu, 2),
      cpuIdleMsPerSecond: round(idleRate * 1000, 2),
      cpuSecondsPerDay: round(cpuPerDay, 0),
      avgVcpu: round(avgVcpu, 4),
      peakRssMiB: round(peakRssMiB),
      peakRssHwmMiB: round(hwm),
      targets: { avgVcpu: 0.25, peakRssMiB: 600 },
      ok: avgVcpu <= 0.25 && Math.max(peakRssMiB, hwm) <= 600 && (outcome['SUCCEEDED'] ?? 0) === DEPLOYS,
    };
    console.log(JSON.stringify(result));
  } finally {
    clearInterval(sampler);
    await db.end().catch(() => undefined);
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
