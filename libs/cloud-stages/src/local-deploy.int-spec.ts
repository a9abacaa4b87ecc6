import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, Stack, startTraffic, waitFor } from '@gennaker/testkit';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Acceptance of the local provider through the real api and worker processes: red/black under
// traffic with zero failed requests, instances coming back after being killed, a crash-looping
// deploy failing without touching the serving group, and a worker SIGKILLed mid-deploy.

let stack: Stack;
let dataDir: string;
let lbPort: number;
let db: Client;
let deployId: string;
const api = () => stack.client;

async function run(pipelineId: string, parameters: Record<string, unknown>): Promise<string> {
  const r = await api().post(`/api/v1/pipelines/${pipelineId}/executions`, { parameters });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.id as string;
}

const until = (id: string, statuses: string[], timeoutMs = 90_000): Promise<any> => stack.untilExecution(id, statuses, { timeoutMs });

const traffic = (rps = 40) => startTraffic(`http://127.0.0.1:${lbPort}`, { rps });

async function cluster(): Promise<any> {
  const r = await api().get('/api/v1/applications/hello/clusters');
  expect(r.status).toBe(200);
  return r.body.find((c: any) => c.name === 'hello-demo');
}

async function pids(group: string): Promise<number[]> {
  const rows = await db.query(`SELECT pid FROM local_instances WHERE server_group = $1 AND pid IS NOT NULL ORDER BY pid`, [group]);
  return rows.rows.map((r) => r.pid as number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\S+\s+Z/.test(execFileSync('ps', ['-o', 'pid=,stat=', '-p', String(pid)]).toString().trim());
  } catch {
    return false;
  }
}

/** Processes whose command line runs an image of this test's data directory. */
function instanceProcesses(): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='])
    .toString()
    .split('\n')
    .filter((l) => l.includes(join(dataDir, 'images')));
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gk-accept-'));
  lbPort = await freePort();
  stack = await Stack.start({ workers: 1, env: { GENNAKER_DATA_DIR: dataDir } });
  db = new Client({ connectionString: stack.databaseUrl });
  await db.connect();
  expect((await api().post('/api/v1/applications', { name: 'hello' })).status).toBe(201);
  const doc = JSON.parse(readFileSync(join(ROOT, 'examples/pipelines/hello-deploy.json'), 'utf8'));
  doc.stages[1].clusters[0].localLoadBalancers = { 'hello-demo': { port: lbPort } };
  const r = await api().post('/api/v1/pipelines', doc);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  deployId = r.body.id;
});

afterAll(async () => {
  await db?.end();
  await stack?.stop();
  // A clean stop leaves no instance process behind.
  await waitFor(() => instanceProcesses().length === 0, { timeoutMs: 15_000, message: () => `no instance processes, found:\n${instanceProcesses().join('\n')}` });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('accounts and clusters API', () => {
  it('lists the built-in local account, without anything provider-specific', async () => {
    const r = await api().get('/api/v1/accounts');
    expect(r.status).toBe(200);
    expect(r.body).toEqual([{ name: 'local', provider: 'local', regions: ['local'], environment: 'test', permissions: {} }]);
  });

  it('404 for an unknown application', async () => {
    const r = await api().get('/api/v1/applications/nope/clusters');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
  });
});

describe('acceptance', () => {
  it('a. v1 then v2 red/black under steady traffic: zero failed requests, only v2 serves afterwards, v1 disabled', async () => {
    expect((await until(await run(deployId, { version: 'v1' }), ['SUCCEEDED', 'TERMINAL'])).status).toBe('SUCCEEDED');
    const t = traffic();
    // some traffic on v1 before the cut-over
    await waitFor(async () => (await fetch(`http://127.0.0.1:${lbPort}/`)).headers.get('x-version') === 'v1', { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 500));
    const e = await until(await run(deployId, { version: 'v2' }), ['SUCCEEDED', 'TERMINAL']);
    expect(e.status, JSON.stringify(e.stages.map((s: any) => [s.name, s.status, s.error]))).toBe('SUCCEEDED');
    // until the old group's processes are gone (scale down), still under traffic
    await waitFor(async () => (await cluster())?.serverGroups.find((g: any) => g.name === 'hello-demo-v000')?.instances.total === 0, { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 500));
    const summary = await t.stop();
    console.log(`red/black v1 -> v2 under traffic: ${JSON.stringify(summary)}`);
    expect(summary.failed, JSON.stringify(summary)).toBe(0);
    expect(summary.sent).toBeGreaterThan(40);
    expect(summary.byVersion['v1']).toBeGreaterThan(0);
    expect(summary.byVersion['v2']).toBeGreaterThan(0);

    const after = await Promise.all(Array.from({ length: 40 }, () => fetch(`http://127.0.0.1:${lbPort}/after`).then((r) => r.headers.get('x-version'))));
    expect(new Set(after)).toEqual(new Set(['v2']));
    const c = await cluster();
    expect(c.serverGroups.map((g: any) => [g.name, g.enabled, g.capacity.desired, g.instances.up])).toEqual([
      ['hello-demo-v001', true, 2, 2],
      ['hello-demo-v000', false, 0, 0],
    ]);
    expect(c.loadBalancers).toEqual([{ name: 'hello-demo', region: 'local', address: `http://127.0.0.1:${lbPort}` }]);
  });

  it('b. killed instances come back; a crash-looping deploy fails without touching the serving group', async () => {
    const before = await pids('hello-demo-v001');
    expect(before).toHaveLength(2);
    for (const pid of before) process.kill(-pid, 'SIGKILL');
    await waitFor(async () => {
      const now = await pids('hello-demo-v001');
      const g = (await cluster()).serverGroups.find((x: any) => x.name === 'hello-demo-v001');
      return now.length === 2 && now.every((p) => !before.includes(p)) && g.instances.up === 2;
    }, { timeoutMs: 30_000, message: 'the killed instances to be restarted and up' });

    const crasher = join(dataDir, 'crasher');
    mkdirSync(crasher, { recursive: true });
    writeFileSync(join(crasher, 'server.mjs'), 'console.error("v4 cannot start"); process.exit(2);\n');
    const doc = JSON.parse(readFileSync(join(ROOT, 'examples/pipelines/hello-deploy.json'), 'utf8'));
    doc.name = 'deploy broken';
    doc.parameterConfig[0].options.push({ value: 'v4' });
    doc.stages[0].directory = crasher;
    doc.stages[1].clusters[0].localLoadBalancers = { 'hello-demo': { port: lbPort } };
    doc.stages[1].overrideTimeout = true;
    doc.stages[1].stageTimeoutMs = 12_000;
    const p = await api().post('/api/v1/pipelines', doc);
    expect(p.status, JSON.stringify(p.body)).toBe(201);

    const t = traffic();
    const e = await until(await run(p.body.id, { version: 'v4' }), ['SUCCEEDED', 'TERMINAL']);
    const summary = await t.stop();
    expect(e.status).toBe('TERMINAL');
    const create = e.stages.find((s: any) => s.type === 'createServerGroup');
    expect(create.error.message).toMatch(/did not become healthy|timed out/);
    expect(JSON.stringify(create.context.waitingForUpInstances)).toContain('crash loop');
    expect(summary.failed, JSON.stringify(summary)).toBe(0);
    expect(Object.keys(summary.byVersion)).toEqual(['v2']);
    // the serving group was never touched; the broken one is gone (rollback.onFailure)
    const c = await cluster();
    expect(c.serverGroups.map((g: any) => [g.name, g.enabled, g.instances.up])).toEqual([
      ['hello-demo-v001', true, 2],
      ['hello-demo-v000', false, 0],
    ]);
  });

  it('c. a worker SIGKILLed mid-deploy: its instances keep running, a new worker adopts them, the deploy completes, no orphan', async () => {
    const doc = JSON.parse(readFileSync(join(ROOT, 'examples/pipelines/hello-deploy.json'), 'utf8'));
    doc.name = 'deploy slowly';
    doc.stages[1].clusters[0].localLoadBalancers = { 'hello-demo': { port: lbPort } };
    doc.stages[1].clusters[0].delayBeforeDisableSec = 4;
    const p = await api().post('/api/v1/pipelines', doc);
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    const id = await run(p.body.id, { version: 'v1' });
    // in the wait before disable: the new group is up, nothing disabled yet
    const running = await waitFor(
      async () => {
        const ex = (await api().get(`/api/v1/executions/${id}`)).body;
        return ex.stages.some((s: any) => s.name === 'Wait before disable' && s.status === 'RUNNING') ? ex : null;
      },
      { timeoutMs: 60_000, message: () => stack.logs() },
    );
    const newGroup = running.stages.find((s: any) => s.type === 'createServerGroup').context.serverGroupName as string;
    expect(newGroup).toMatch(/^hello-demo-v00[23]$/);
    const newPids = await pids(newGroup);
    const oldPids = await pids('hello-demo-v001');
    expect(newPids).toHaveLength(2);
    const [worker] = stack.liveWorkers();
    await stack.kill(worker!, 'SIGKILL');
    // A SIGKILLed worker cannot stop anything: the instances live on in their own process groups.
    for (const pid of [...newPids, ...oldPids]) expect(alive(pid)).toBe(true);
    await stack.startWorker();
    const e = await until(id, ['SUCCEEDED', 'TERMINAL'], 120_000);
    expect(e.status, JSON.stringify(e.stages.map((s: any) => [s.name, s.status, s.error?.message]))).toBe('SUCCEEDED');
    // re-adopted, not restarted
    expect(await pids(newGroup)).toEqual(newPids);
    await waitFor(async () => (await pids('hello-demo-v001')).length === 0 && oldPids.every((pid) => !alive(pid)), { timeoutMs: 30_000, message: 'the old group scaled down' });
    // exactly the serving group's processes run: nothing orphaned, nothing twice
    await waitFor(() => instanceProcesses().length === 2, { timeoutMs: 15_000, message: () => instanceProcesses().join('\n') });
    const c = await cluster();
    expect(c.serverGroups.filter((g: any) => g.enabled).map((g: any) => g.name)).toEqual([newGroup]);
  });

  it('ad-hoc operations (the tasks API) run as orchestrations: resize, rollback; bad input fails naming the field', async () => {
    const current = (await cluster()).serverGroups.find((g: any) => g.enabled).name as string;
    const task = async (job: Record<string, unknown>) => {
      const r = await api().post('/api/v1/applications/hello/tasks', { description: job['type'], job: [job] });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      return until(r.body.id, ['SUCCEEDED', 'TERMINAL'], 60_000);
    };
    const resized = await task({ type: 'resizeServerGroup', serverGroupName: current, region: 'local', credentials: 'local', cloudProvider: 'local', capacity: { min: 3, max: 3, desired: 3 } });
    expect(resized.type).toBe('ORCHESTRATION');
    expect(resized.status).toBe('SUCCEEDED');
    expect((await cluster()).serverGroups.find((g: any) => g.name === current).instances.up).toBe(3);

    // roll back to the previous group (v2, scaled down earlier): it is sized like the current one first
    const t = traffic();
    const rolled = await task({ type: 'rollbackServerGroup', serverGroupName: current, region: 'local', credentials: 'local', cloudProvider: 'local' });
    const summary = await t.stop();
    expect(rolled.status, JSON.stringify(rolled.stages.map((s: any) => [s.name, s.status, s.error]))).toBe('SUCCEEDED');
    expect(summary.failed, JSON.stringify(summary)).toBe(0);
    const restored = rolled.stages[0].context.rollbackTargets[0].restoreServerGroupName as string;
    const c = await cluster();
    expect(c.serverGroups.filter((g: any) => g.enabled).map((g: any) => [g.name, g.instances.up])).toEqual([[restored, 3]]);
    const versions = await Promise.all(Array.from({ length: 20 }, () => fetch(`http://127.0.0.1:${lbPort}/`).then((r) => r.headers.get('x-version'))));
    expect(new Set(versions)).toEqual(new Set(['v2']));

    const bad = await task({ type: 'disableServerGroup', serverGroupName: current, region: 'local', credentials: 'prod' });
    expect(bad.status).toBe('TERMINAL');
    expect(bad.stages[0].error.details).toEqual([{ pointer: '/credentials', message: 'no account named "prod"' }]);
  });

  it('two executions never change one cluster at once: the second waits for the lock, visibly, then deploys', async () => {
    const make = async (name: string, delay: number) => {
      const doc = JSON.parse(readFileSync(join(ROOT, 'examples/pipelines/hello-deploy.json'), 'utf8'));
      doc.name = name;
      doc.stages[1].clusters[0].localLoadBalancers = { 'hello-demo': { port: lbPort } };
      doc.stages[1].clusters[0].delayBeforeDisableSec = delay;
      const r = await api().post('/api/v1/pipelines', doc);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    const [pa, pb] = [await make('lock a', 3), await make('lock b', 0)];
    const a = await run(pa, { version: 'v1' });
    await waitFor(async () => (await api().get(`/api/v1/executions/${a}`)).body.stages.some((s: any) => s.type === 'createServerGroup' && s.context.serverGroupName), { timeoutMs: 60_000 });
    const b = await run(pb, { version: 'v2' });
    const waiting = await waitFor(
      async () => {
        const e = (await api().get(`/api/v1/executions/${b}`)).body;
        return e.stages.find((s: any) => s.type === 'createServerGroup' && s.context.waitingForClusterLock)?.context.waitingForClusterLock;
      },
      { timeoutMs: 30_000, message: 'B to wait for the cluster lock' },
    );
    expect(waiting).toMatchObject({ holder: a, key: 'local/local/hello-demo' });
    const ea = await until(a, ['SUCCEEDED', 'TERMINAL']);
    const eb = await until(b, ['SUCCEEDED', 'TERMINAL']);
    expect([ea.status, eb.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const ga = ea.stages.find((s: any) => s.type === 'createServerGroup');
    const gb = eb.stages.find((s: any) => s.type === 'createServerGroup');
    // B chose its name only after A was done with the cluster
    expect(Number(gb.context.serverGroupName.slice(-3))).toBe(Number(ga.context.serverGroupName.slice(-3)) + 1);
    expect(Date.parse(gb.tasks.find((t: any) => t.name === 'determineServerGroupName').startTime)).toBeGreaterThanOrEqual(Date.parse(ea.stages.find((s: any) => s.type === 'releaseClusterLock').endTime));
    expect((await cluster()).serverGroups.filter((g: any) => g.enabled).map((g: any) => g.name)).toEqual([gb.context.serverGroupName]);
  });
});

