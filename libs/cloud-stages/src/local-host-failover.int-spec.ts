import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, Stack, waitFor, type ProcessHandle } from '@gennaker/testkit';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Several workers: one is the local host (processes and load balancers). When it dies, another
// takes over the same instances within seconds.

let stack: Stack;
let dataDir: string;
let lbPort: number;
let db: Client;

function instanceProcesses(): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='])
    .toString()
    .split('\n')
    .filter((l) => l.includes(join(dataDir, 'images')));
}

/** Instances and the orphan reaper: everything started with this test's data directory. */
function ourProcesses(): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='])
    .toString()
    .split('\n')
    .filter((l) => l.includes(dataDir));
}

const isHost = (w: ProcessHandle): boolean => w.output.join('').includes('is the local host');

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gk-failover-'));
  lbPort = await freePort();
  // Instances outlive a dead host for 8 s: enough for another worker to adopt them.
  stack = await Stack.start({ workers: 2, env: { GENNAKER_DATA_DIR: dataDir, GENNAKER_LOCAL_ORPHAN_GRACE_MS: '8000' } });
  db = new Client({ connectionString: stack.databaseUrl });
  await db.connect();
  expect((await stack.client.post('/api/v1/applications', { name: 'hello' })).status).toBe(201);
});

afterAll(async () => {
  await db?.end();
  await stack?.stop();
  await waitFor(() => instanceProcesses().length === 0 && ourProcesses().length === 0, { timeoutMs: 15_000, message: () => `no processes left, found:\n${ourProcesses().join('\n')}` });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local host failover', () => {
  it('exactly one worker is the host; when it is SIGKILLed another adopts the instances and serves again', async () => {
    const doc = JSON.parse(readFileSync(join(ROOT, 'examples/pipelines/hello-deploy.json'), 'utf8'));
    doc.stages[1].clusters[0].localLoadBalancers = { 'hello-demo': { port: lbPort } };
    const p = await stack.client.post('/api/v1/pipelines', doc);
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    const r = await stack.client.post(`/api/v1/pipelines/${p.body.id}/executions`, { parameters: { version: 'v2' } });
    await waitFor(async () => (await stack.client.get(`/api/v1/executions/${r.body.id}`)).body.status === 'SUCCEEDED', { timeoutMs: 90_000, message: () => stack.logs() });

    const hosts = stack.liveWorkers().filter(isHost);
    expect(hosts).toHaveLength(1);
    const pids = (await db.query(`SELECT pid FROM local_instances ORDER BY pid`)).rows.map((x) => x.pid as number);
    expect(pids).toHaveLength(2);
    expect((await fetch(`http://127.0.0.1:${lbPort}/`)).status).toBe(200);

    const killedAt = Date.now();
    await stack.kill(hosts[0]!, 'SIGKILL');
    await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${lbPort}/`).catch(() => null);
        return res?.status === 200 && res.headers.get('x-version') === 'v2';
      },
      { timeoutMs: 30_000, intervalMs: 100, message: () => stack.logs() },
    );
    const failoverMs = Date.now() - killedAt;
    console.log(`local host failover: the load balancer answered again ${failoverMs} ms after the host was SIGKILLed`);
    expect(stack.liveWorkers().filter(isHost)).toHaveLength(1);
    // the same processes, adopted: nothing restarted, nothing doubled
    expect((await db.query(`SELECT pid FROM local_instances ORDER BY pid`)).rows.map((x) => x.pid)).toEqual(pids);
    expect(instanceProcesses()).toHaveLength(2);
  });

  it('when the last worker dies and none comes back, the orphan reaper stops the instances after the grace period', async () => {
    expect(instanceProcesses()).toHaveLength(2);
    for (const w of stack.liveWorkers()) await stack.kill(w, 'SIGKILL');
    const killedAt = Date.now();
    // a dead worker stops nothing itself: they run on (a restarted worker would adopt them)...
    expect(instanceProcesses()).toHaveLength(2);
    // ...until the grace period is over; then they, and the reaper itself, are gone
    await waitFor(() => ourProcesses().length === 0, { timeoutMs: 30_000, intervalMs: 200, message: () => ourProcesses().join('\n') });
    const reapedMs = Date.now() - killedAt;
    console.log(`orphan reaper: instances of a dead host stopped ${reapedMs} ms after it died (grace 8000 ms)`);
    // not before the grace period (counted from the last heartbeat, a tick before the kill)
    expect(reapedMs).toBeGreaterThanOrEqual(7000);
  });
});

