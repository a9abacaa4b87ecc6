import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupHealth, type ServerGroupSpec } from '@gennaker/cloud';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from './host/process.util';
import { LocalMetricsSource } from './local-metrics.source';
import type { LocalProvider } from './local-provider';
import { localFixture, until } from './testing/local-fixture';

let fx: Awaited<ReturnType<typeof localFixture>>;
let provider: LocalProvider;
let imageV1: string;
let lbPort: number;

const spec = (name: string, image: string, extra: Partial<ServerGroupSpec> = {}): ServerGroupSpec => ({
  account: 'local',
  region: 'local',
  name,
  application: 'hello',
  stack: 'test',
  image: { id: image },
  capacity: { min: 2, max: 2, desired: 2 },
  loadBalancers: ['hello-test'],
  extra: { localLoadBalancers: { 'hello-test': { port: lbPort } } },
  ...extra,
});

async function bake(version: string, directory = 'examples/service'): Promise<string> {
  const s = await provider.startBake({ account: 'local', region: 'local', package: 'hello', version, inputs: { directory }, inputsHash: `h-${version}-${directory}` });
  if (s.state !== 'completed') throw new Error(`bake ${s.state}`);
  return s.image.id;
}

async function get(path: string): Promise<{ status: number; version: string | null }> {
  const r = await fetch(`http://127.0.0.1:${lbPort}${path}`);
  await r.text();
  return { status: r.status, version: r.headers.get('x-version') };
}

beforeAll(async () => {
  fx = await localFixture();
  provider = fx.make();
  await provider.start();
  imageV1 = await bake('v1');
  const { freePort } = await import('./host/process.util');
  lbPort = await freePort();
});
afterAll(async () => {
  await fx?.teardown();
});

describe('local provider', () => {
  it('the migration agrees with the entities', async () => {
    const pending = await fx.ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query).filter((q) => !/INDEX/i.test(q))).toEqual([]);
  });

  it('bakes content-addressed images: same files, same image; another version, another image', async () => {
    const again = await provider.startBake({ account: 'local', region: 'local', package: 'hello', version: 'v1', inputs: { directory: 'examples/service' }, inputsHash: 'other' });
    expect(again).toMatchObject({ state: 'completed', reused: true, image: { id: imageV1, name: 'hello-v1' } });
    expect(await bake('v2')).not.toBe(imageV1);
    await expect(provider.startBake({ account: 'local', region: 'local', package: 'x', inputs: { directory: 'no/such/dir' }, inputsHash: 'x' })).rejects.toMatchObject({ details: [{ pointer: '/directory' }] });
  });

  it('runs a server group behind its load balancer, with request metrics per server group', async () => {
    await provider.createServerGroup(spec('hello-test-v000', imageV1));
    // creating twice is a no-op
    await provider.createServerGroup(spec('hello-test-v000', imageV1));
    const up = await until(async () => {
      const g = await provider.getServerGroup('local', 'local', 'hello-test-v000');
      return g && groupHealth(g, 100).healthy ? g : null;
    }, 'two instances up');
    expect(up.instances).toHaveLength(2);
    expect(up.instances.every((i) => i.healthDetails?.some((d) => d.source === 'loadBalancer:hello-test' && d.state === 'InService'))).toBe(true);
    const start = Date.now();
    await until(async () => (await get('/')).status === 200, 'the balancer to route');
    for (let i = 0; i < 20; i++) expect(await get(`/x${i}`)).toEqual({ status: 200, version: 'v1' });
    const metrics = new LocalMetricsSource(fx.ds);
    const counts = await until(async () => {
      const c = await metrics.query('hello-test-v000', 'requests', start - 1000, Date.now() + 1000, 60_000);
      return (c[0] ?? 0) >= 21 ? c : null;
    }, 'metrics flushed');
    expect(counts[0]).toBeGreaterThanOrEqual(21);
    expect(await metrics.query('hello-test-v000', 'errors', start - 1000, Date.now() + 1000, 60_000)).toEqual([0]);
    const [lb] = await provider.listLoadBalancers('local', 'local', { application: 'hello' });
    expect(lb).toMatchObject({ name: 'hello-test', address: `http://127.0.0.1:${lbPort}`, serverGroups: [{ name: 'hello-test-v000', enabled: true, healthyInstances: 2 }] });
  });

  it('restarts an instance that dies; the balancer keeps answering', async () => {
    const before = await fx.ds.query(`SELECT id, pid FROM local_instances WHERE server_group = 'hello-test-v000' ORDER BY id`);
    const victim = before[0] as { id: string; pid: number };
    process.kill(-victim.pid, 'SIGKILL');
    for (let i = 0; i < 10; i++) expect((await get('/')).status).toBe(200);
    const back = await until(async () => {
      const rows = (await fx.ds.query(`SELECT id, pid, state FROM local_instances WHERE id = $1`, [victim.id])) as Array<{ pid: number | null; state: string }>;
      return rows[0]?.state === 'up' && rows[0].pid !== victim.pid ? rows[0] : null;
    }, 'the killed instance to be restarted');
    expect(isAlive(back.pid!, null)).toBe(true);
  });

  it('a disable returns only once the load balancer sends the group no new request', async () => {
    const imageV2 = await bake('v2');
    await provider.createServerGroup(spec('hello-test-v001', imageV2));
    await until(async () => (await Promise.all(Array.from({ length: 10 }, () => get('/')))).some((r) => r.version === 'v2'), 'the second group to serve');
    await provider.disableServerGroup('local', 'local', 'hello-test-v001');
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => get(`/after${i}`)));
    expect(new Set(answers.map((a) => `${a.status} ${a.version}`))).toEqual(new Set(['200 v1']));
    await provider.destroyServerGroup('local', 'local', 'hello-test-v001');
  });

  it('reports a group whose instances keep dying as down, with why', async () => {
    const dir = join(fx.dataDir, 'crasher');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'server.mjs'), 'console.error("boom"); process.exit(3);\n');
    const crash = await bake('c1', dir);
    await provider.createServerGroup(spec('hello-crash-v000', crash, { loadBalancers: [], extra: {} }));
    const g = await until(async () => {
      const x = await provider.getServerGroup('local', 'local', 'hello-crash-v000');
      return x && x.instances.length === 2 && x.instances.every((i) => i.healthDetails?.some((d) => (d.description ?? '').includes('crash loop'))) ? x : null;
    }, 'a crash loop to be reported', 20_000);
    expect(groupHealth(g, 100).healthy).toBe(false);
    expect(groupHealth(g, 100).reason).toContain('exited with code 3');
    await provider.destroyServerGroup('local', 'local', 'hello-crash-v000');
  });

  it('a new host adopts the running instances (same pids) after the old one went away without stopping them', async () => {
    const pids = (await fx.ds.query(`SELECT pid FROM local_instances WHERE server_group = 'hello-test-v000' ORDER BY pid`)).map((r: { pid: number }) => r.pid);
    expect(pids).toHaveLength(2);
    const keep = fx.make();
    // Hand over: the current host leaves its instances running, as a SIGKILLed worker would.
    await provider.shutdown({ stopInstances: false });
    await keep.start();
    await until(() => keep.isHost, 'the new host to be elected', 10_000);
    for (const pid of pids) expect(isAlive(pid, null)).toBe(true);
    await until(async () => (await get('/')).status === 200, 'the new host to route');
    const after = (await fx.ds.query(`SELECT pid FROM local_instances WHERE server_group = 'hello-test-v000' ORDER BY pid`)).map((r: { pid: number }) => r.pid);
    expect(after).toEqual(pids);
    provider = keep;
  });

  it('destroy drains and stops every process of the group', async () => {
    const pids = (await fx.ds.query(`SELECT pid FROM local_instances WHERE server_group = 'hello-test-v000'`)).map((r: { pid: number }) => r.pid);
    await provider.destroyServerGroup('local', 'local', 'hello-test-v000');
    expect(await provider.getServerGroup('local', 'local', 'hello-test-v000')).toBeNull();
    await until(() => pids.every((p: number) => !isAlive(p, null)), 'the processes to stop', 15_000);
    await until(async () => (await fx.ds.query(`SELECT 1 FROM local_server_groups WHERE name = 'hello-test-v000'`)).length === 0, 'the group row to go');
    // destroying again succeeds
    await provider.destroyServerGroup('local', 'local', 'hello-test-v000');
  });
});
