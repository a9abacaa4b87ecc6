import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, Stack, startTraffic, waitFor } from '@gennaker/testkit';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 9, acceptance b: red/black deploys on the local provider while its chaos monkey
 * (GENNAKER_LOCAL_CHAOS) SIGKILLs instances of the cluster. Each deploy must either complete with
 * the new group enabled and serving, or fail cleanly with the old group still serving; the load
 * balancer may drop no request beyond those in flight on a killed instance (counted by the monkey).
 */

const KILLS_PER_MINUTE = 15;
let stack: Stack;
let dataDir: string;
let lbPort: number;
let deployId: string;
const api = () => stack.client;

const traffic = (rps: number) => startTraffic(`http://127.0.0.1:${lbPort}`, { rps, timeoutSeconds: 30 });

/** The chaos monkey's own count, from its last log line in the worker that hosts the instances. */
function chaosCounts(): { kills: number; inFlightAtKills: number } {
  const m = [...stack.logs().matchAll(/kills=(\d+) inFlightAtKills=(\d+)/g)].pop();
  return { kills: Number(m?.[1] ?? 0), inFlightAtKills: Number(m?.[2] ?? 0) };
}

async function deploy(version: string): Promise<any> {
  const r = await api().post(`/api/v1/pipelines/${deployId}/executions`, { parameters: { version } });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return stack.untilExecution(r.body.id, ['SUCCEEDED', 'TERMINAL'], { timeoutMs: 150_000, intervalMs: 250 });
}

/** What the load balancer itself answered with an error (502: an instance failed mid-request; 503: none healthy). */
async function lbErrors(): Promise<number> {
  const db = new Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    const r = await db.query(`SELECT coalesce(sum(errors), 0)::int AS n FROM local_metrics WHERE server_group LIKE 'hello-demo%' OR server_group = 'lb:hello-demo'`);
    return r.rows[0].n as number;
  } finally {
    await db.end();
  }
}

async function cluster(): Promise<any> {
  return (await api().get('/api/v1/applications/hello/clusters')).body.find((c: any) => c.name === 'hello-demo');
}

async function versionsServed(n: number): Promise<Set<string | null>> {
  const answers = await Promise.all(Array.from({ length: n }, () => fetch(`http://127.0.0.1:${lbPort}/after`).then((r) => (r.ok ? r.headers.get('x-version') : `HTTP ${r.status}`))));
  return new Set(answers);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gk-chaos-'));
  lbPort = await freePort();
  stack = await Stack.start({
    workers: 1,
    env: {
      GENNAKER_DATA_DIR: dataDir,
      GENNAKER_WORKER_METRICS_PORT: '0',
      GENNAKER_LOCAL_CHAOS: JSON.stringify({ serverGroups: ['hello-demo-*'], killsPerMinute: KILLS_PER_MINUTE, seed: 9, minUp: 1 }),
    },
  });
  expect((await api().post('/api/v1/applications', { name: 'hello' })).status).toBe(201);
  const doc = JSON.parse(readFileSync(join(ROOT, 'examples/pipelines/hello-deploy.json'), 'utf8'));
  doc.stages[1].clusters[0].localLoadBalancers = { 'hello-demo': { port: lbPort } };
  const r = await api().post('/api/v1/pipelines', doc);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  deployId = r.body.id;
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('chaos on the local provider (acceptance b)', () => {
  it('red/black deploys under chaos complete healthy or fail cleanly, and drop no request beyond those in flight on killed instances', async () => {
    const first = await deploy('v1');
    expect(first.status, JSON.stringify(first.stages.map((s: any) => [s.name, s.status, s.error?.message]))).toBe('SUCCEEDED');
    await waitFor(async () => (await versionsServed(5)).has('v1'), { timeoutMs: 30_000 });

    const t = traffic(60);
    const outcomes: string[] = [];
    // Deploy back and forth until chaos has killed a few instances (at least 3 deploys, at most 8).
    for (let n = 0; n < 8 && (n < 3 || chaosCounts().kills < 3); n++) {
      const version = n % 2 === 0 ? 'v2' : 'v1';
      const before = (await cluster()).serverGroups.find((g: any) => g.enabled)?.name;
      const e = await deploy(version);
      outcomes.push(`${version}:${e.status}`);
      const c = await cluster();
      const enabled = c.serverGroups.filter((g: any) => g.enabled);
      // Exactly one group serves afterwards: the new one on success, the old one on failure.
      expect(enabled, JSON.stringify(c.serverGroups)).toHaveLength(1);
      if (e.status === 'SUCCEEDED') {
        expect(enabled[0].name).not.toBe(before);
        expect(enabled[0].image).toContain(version);
      } else {
        expect(enabled[0].name).toBe(before);
      }
      // The serving group answers with its own version, and heals whatever chaos did.
      const servingVersion = String(enabled[0].image).includes(version) ? version : version === 'v1' ? 'v2' : 'v1';
      expect(await versionsServed(20)).toEqual(new Set([servingVersion]));
      let groups: unknown = null;
      await waitFor(async () => {
        groups = (await cluster()).serverGroups;
        const g = (groups as any[]).find((x: any) => x.enabled);
        return g?.instances.up === g?.capacity.desired;
      }, { timeoutMs: 60_000, message: () => `the serving group to heal: ${JSON.stringify(groups)}` });
    }
    const summary = await t.stop();
    const chaos = chaosCounts();
    // The local host flushes request metrics every second: wait until they hold all the traffic.
    let dropped = 0;
    await waitFor(async () => {
      const db = new Client({ connectionString: stack.databaseUrl });
      await db.connect();
      const r = await db.query(`SELECT coalesce(sum(requests), 0)::int AS n FROM local_metrics WHERE server_group LIKE 'hello-demo%' OR server_group = 'lb:hello-demo'`);
      await db.end();
      return (r.rows[0].n as number) >= summary.ok;
    }, { timeoutMs: 15_000 });
    dropped = await lbErrors();
    const answeredErrors = Object.entries(summary.byStatus).filter(([code]) => !code.startsWith('2')).reduce((n, [, c]) => n + c, 0);
    console.log(`chaos: deploys ${outcomes.join(', ')}; ${chaos.kills} instances killed with ${chaos.inFlightAtKills} request(s) in flight; load balancer errors ${dropped}; traffic ${JSON.stringify(summary)}`);
    expect(chaos.kills).toBeGreaterThan(0);
    expect(summary.sent).toBeGreaterThan(300);
    // No request dropped by the load balancer beyond those in flight on killed instances.
    expect(dropped, JSON.stringify(summary)).toBeLessThanOrEqual(chaos.inFlightAtKills);
    expect(answeredErrors, JSON.stringify(summary)).toBeLessThanOrEqual(chaos.inFlightAtKills);
    // And no request went unanswered (a client timeout would hide a request stuck on a dead instance).
    expect(summary.failed - answeredErrors, JSON.stringify(summary)).toBe(0);
  });

  it('a canary (baseline and canary groups behind the load balancer) under chaos ends cleanly, and drops no request beyond those in flight', async () => {
    const config = await api().post('/api/v1/canary/configs', {
      name: 'chaos-canary',
      applications: ['hello'],
      metrics: [
        { name: 'errors', query: { type: 'local', metric: 'error_rate' }, groups: ['Errors'], analysisConfigurations: { canary: { direction: 'increase', critical: true } } },
        { name: 'latency', query: { type: 'local', metric: 'latency_mean' }, groups: ['Latency'], analysisConfigurations: { canary: { direction: 'increase' } } },
      ],
      classifier: { groupWeights: { Errors: 60, Latency: 40 }, scoreThresholds: { marginal: 50, pass: 75 } },
    });
    expect(config.status, JSON.stringify(config.body)).toBe(201);
    const p = await api().post('/api/v1/pipelines', {
      application: 'hello',
      name: 'canary under chaos',
      stages: [
        { refId: '0', type: 'bake', name: 'Bake', cloudProviderType: 'local', regions: ['local'], package: 'hello', version: 'v2', directory: 'examples/service' },
        {
          refId: '1',
          requisiteStageRefIds: ['0'],
          type: 'kayentaCanary',
          name: 'Canary',
          analysisType: 'realTime',
          canaryConfig: { canaryConfigId: config.body.id, lifetimeDuration: 'PT40S', canaryAnalysisIntervalMins: 0.25, beginCanaryAnalysisAfterMins: 0, scopes: [{ scopeName: 'default', step: 1 }], scoreThresholds: { marginal: 50, pass: 75 } },
          deployments: {
            baseline: { cloudProvider: 'local', application: 'hello', account: 'local', cluster: 'hello-demo' },
            serverGroupPairs: [{ control: { availabilityZones: { local: [] }, capacity: { min: 2, max: 2, desired: 2 } }, experiment: { availabilityZones: { local: [] }, capacity: { min: 2, max: 2, desired: 2 } } }],
            trafficPercent: 25,
          },
          failPipeline: false,
          continuePipeline: true,
        },
      ],
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    const killsBefore = chaosCounts();
    const droppedBefore = await lbErrors();
    const t = traffic(40);
    const r = await api().post(`/api/v1/pipelines/${p.body.id}/executions`, {});
    expect(r.status).toBe(202);
    let last: any;
    await waitFor(async () => ['SUCCEEDED', 'TERMINAL', 'FAILED_CONTINUE', 'CANCELED'].includes((last = (await api().get(`/api/v1/executions/${r.body.id}`)).body).status), {
      timeoutMs: 240_000,
      intervalMs: 500,
      message: () => `the canary to finish: ${JSON.stringify(last?.stages?.map((s: any) => [s.name, s.status, s.error?.message]))}\n${stack.logs()}`,
    });
    const summary = await t.stop();
    const canary = last.stages.find((s: any) => s.type === 'kayentaCanary');
    const chaos = chaosCounts();
    const inFlight = chaos.inFlightAtKills - killsBefore.inFlightAtKills;
    const dropped = (await lbErrors()) - droppedBefore;
    console.log(`chaos canary: ${last.status}, ${canary.outputs.overallResult} ${canary.outputs.overallScore}; ${chaos.kills - killsBefore.kills} kills with ${inFlight} in flight; load balancer errors ${dropped}; traffic ${JSON.stringify(summary)}`);
    expect(canary.status, JSON.stringify(last.stages.map((s: any) => [s.name, s.status, s.error?.message]))).not.toBe('NOT_STARTED');
    // It ended with a verdict (or a clean failure), and its groups are gone: the serving group alone serves.
    expect(['Pass', 'Marginal', 'Fail', 'NoData']).toContain(canary.outputs.overallResult);
    await waitFor(async () => (await cluster()).serverGroups.every((g: any) => g.enabled || g.instances.total === 0), { timeoutMs: 60_000 });
    expect((await cluster()).serverGroups.filter((g: any) => g.enabled)).toHaveLength(1);
    expect(dropped).toBeLessThanOrEqual(inFlight);
    expect(summary.failed, JSON.stringify(summary)).toBeLessThanOrEqual(inFlight);
  });
});
