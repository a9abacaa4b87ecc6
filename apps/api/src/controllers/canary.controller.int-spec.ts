// The canary API on a real api process and database: configs stored and served in Kayenta's
// shape, bad configs refused with 400 and pointers (issue 5, acceptance e), standalone judgments
// with each metric's interval, estimate and two-sided p-value.
import { Stack } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: Stack;
const api = () => stack.client;

beforeAll(async () => {
  stack = await Stack.start({ workers: 0 });
});
afterAll(async () => stack?.stop());

const config = (over: Record<string, unknown> = {}) => ({
  name: 'hello-canary',
  applications: ['hello'],
  metrics: [
    { name: 'errors', query: { type: 'local', metric: 'error_rate' }, groups: ['Errors'], analysisConfigurations: { canary: { direction: 'increase', critical: true } } },
    { name: 'latency', query: { type: 'prometheus', customInlineTemplate: 'PromQL:avg(latency_ms{server_group="${scope}"})' }, groups: ['Latency'] },
    {
      name: 'cpu',
      query: { type: 'cloudwatch', metricStat: { metric: { namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: [{ name: 'AutoScalingGroupName', value: '${scope}' }] }, stat: 'Average' } },
      groups: ['Latency'],
      analysisConfigurations: { canary: { dryRun: true } },
    },
  ],
  classifier: { groupWeights: { Errors: 60, Latency: 40 }, scoreThresholds: { marginal: 50, pass: 75 } },
  ...over,
});

async function count(): Promise<number> {
  return (await api().get('/api/v1/canary/configs?limit=500')).body.items.length;
}

describe('canary configs API', () => {
  it('creates, reads, replaces by name or id, lists by application with a cursor', async () => {
    const created = await api().post('/api/v1/canary/configs', config());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ name: 'hello-canary', applications: ['hello'], classifier: { groupWeights: { Errors: 60, Latency: 40 } } });
    expect(created.body.createdTimestampIso).toMatch(/^\d{4}-/);
    const read = await api().get(`/api/v1/canary/configs/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.metrics).toEqual(config().metrics);

    const byName = await api().post('/api/v1/canary/configs', config({ description: 'second revision' }));
    expect(byName.status).toBe(200);
    expect(byName.body).toMatchObject({ id, description: 'second revision' });
    // What GET answers can be posted back as it is (the timestamps are the server's).
    const echoed = await api().post('/api/v1/canary/configs', { ...read.body, description: 'third' });
    expect(echoed.status).toBe(200);
    expect(echoed.body.createdTimestampIso).toBe(created.body.createdTimestampIso);

    // A Kayenta config imported with its own id keeps it.
    const imported = await api().post('/api/v1/canary/configs', config({ id: '0fcb303b-825c-4252-a34f-2acc245027ed', name: 'imported', applications: ['other'] }));
    expect(imported.status).toBe(201);
    expect(imported.body.id).toBe('0fcb303b-825c-4252-a34f-2acc245027ed');

    await api().post('/api/v1/canary/configs', config({ name: 'hello-second' }));
    const page1 = await api().get('/api/v1/canary/configs?application=hello&limit=1');
    expect(page1.body.items.map((c: { name: string }) => c.name)).toEqual(['hello-canary']);
    const page2 = await api().get(`/api/v1/canary/configs?application=hello&limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toMatchObject({ items: [{ name: 'hello-second' }], nextCursor: null });
    expect((await api().get('/api/v1/canary/configs?cursor=%%%')).body.error.details).toEqual([{ pointer: '/cursor', message: 'invalid cursor' }]);
    expect((await api().get('/api/v1/canary/configs/nope')).status).toBe(404);
  });

  it('refuses bad configs with 400 and the pointer of each problem, storing nothing', async () => {
    const before = await count();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['weights over 100', config({ classifier: { groupWeights: { Errors: 160, Latency: 40 } } }), '/classifier/groupWeights/Errors'],
      ['an unknown metric source', config({ metrics: [{ name: 'x', query: { type: 'datadog', q: 'x' }, groups: ['Errors'] }], classifier: { groupWeights: { Errors: 100 } } }), '/metrics/0/query/type'],
      ['marginal above pass', config({ classifier: { groupWeights: { Errors: 60, Latency: 40 }, scoreThresholds: { marginal: 90, pass: 75 } } }), '/classifier/scoreThresholds/marginal'],
      ['an empty metric list', config({ metrics: [], classifier: { groupWeights: {} } }), '/metrics'],
      ['a local metric that does not exist', config({ metrics: [{ name: 'x', query: { type: 'local', metric: 'cpu' }, groups: ['Errors'] }], classifier: { groupWeights: { Errors: 100 } } }), '/metrics/0/query/metric'],
      ['a Prometheus query with neither PromQL nor a metric name', config({ metrics: [{ name: 'x', query: { type: 'prometheus' }, groups: ['Errors'] }], classifier: { groupWeights: { Errors: 100 } } }), '/metrics/0/query/customInlineTemplate'],
      ['a bad id', config({ id: 'a b' }), '/id'],
    ];
    for (const [what, body, pointer] of cases) {
      const r = await api().post('/api/v1/canary/configs', body);
      expect(r.status, what).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(r.body.error.details.map((d: { pointer: string }) => d.pointer), what).toContain(pointer);
    }
    expect((await api().post('/api/v1/canary/configs', [])).status).toBe(400);
    expect(await count()).toBe(before);
  });

  it('refuses a name another config holds with 409', async () => {
    const r = await api().post('/api/v1/canary/configs', config({ id: 'someone-else' }));
    expect(r.status).toBe(409);
    expect(r.body.error.details).toEqual([{ pointer: '/name', message: expect.stringContaining('taken by config') }]);
  });
});

describe('POST /api/v1/canary/judge', () => {
  // R: set.seed(101); x <- round(rnorm(8, 10.6, 1), 3); y <- round(rnorm(7, 10, 1), 3) (libs/canary/src/fixtures/r-cases.json).
  const x = [10.274, 11.152, 9.925, 10.814, 10.911, 11.774, 11.219, 10.487];
  const y = [10.917, 9.777, 10.526, 9.205, 11.428, 8.533, 9.763];
  const judgeConfig = { name: 'j', metrics: [{ name: 'latency', query: { type: 'local', metric: 'latency_mean' }, groups: ['g'] }], classifier: { groupWeights: { g: 100 } } };

  it('returns each metric\'s interval, estimate, two-sided p-value and classification (R\'s wilcox.test)', async () => {
    const r = await api().post('/api/v1/canary/judge', { config: judgeConfig, confidenceLevel: 0.95, metrics: [{ name: 'latency', control: y, experiment: x }] });
    expect(r.status).toBe(200);
    const m = r.body.metrics[0];
    expect(m.name).toBe('latency');
    expect(m.interval[0]).toBeCloseTo(-0.25194105562224556, 6);
    expect(m.interval[1]).toBeCloseTo(1.946990658731373, 6);
    expect(m.pValue).toBeCloseTo(0.151981351981352, 9);
    expect(m.estimate).toBeCloseTo(0.72, 1);
    expect(m.classification).toBe('Pass');
    expect(r.body).toMatchObject({ score: 100, classification: 'Pass', confidenceLevel: 0.95, groups: [{ name: 'g', score: 100 }] });
  });

  it('defaults to 0.98, judges a shift as High and fails the canary; a stored config may be named by id', async () => {
    const stored = await api().post('/api/v1/canary/configs', { ...judgeConfig, name: 'judge-by-id', classifier: { groupWeights: { g: 100 }, scoreThresholds: { marginal: 50, pass: 75 } } });
    const shifted = x.map((v) => v + 5);
    const r = await api().post('/api/v1/canary/judge', { config: stored.body.id, metrics: [{ name: 'latency', control: y, experiment: shifted }] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ confidenceLevel: 0.98, score: 0, classification: 'Fail', metrics: [{ name: 'latency', classification: 'High' }] });
    expect(r.body.metrics[0].interval[0]).toBeGreaterThan(0);
  });

  it('refuses bad requests with pointers', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ config: judgeConfig, confidenceLevel: 1.5, metrics: [] }, '/confidenceLevel'],
      [{ config: judgeConfig, metrics: [{ name: 'nope', control: [1], experiment: [2] }] }, '/metrics/0/name'],
      [{ config: judgeConfig, metrics: [{ name: 'latency', control: [1, 'a'], experiment: [2] }] }, '/metrics/0/control/1'],
      [{ config: { ...judgeConfig, classifier: { groupWeights: { g: 120 } } }, metrics: [] }, '/config/classifier/groupWeights/g'],
      [{ config: 'no-such-config', metrics: [] }, '/config'],
      [{ config: judgeConfig }, '/metrics'],
      [{ config: judgeConfig, scoreThresholds: { marginal: 80, pass: 70 }, metrics: [] }, '/scoreThresholds/marginal'],
    ];
    for (const [body, pointer] of cases) {
      const r = await api().post('/api/v1/canary/judge', body);
      expect(r.status, pointer).toBe(400);
      expect(r.body.error.details.map((d: { pointer: string }) => d.pointer), pointer).toContain(pointer);
    }
  });
});

describe('canary results and stages', () => {
  it('answers 404 for an unknown canary result', async () => {
    const r = await api().get('/api/v1/canary/results/nope');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
  });

  it('offers kayentaCanary (alias canary) and checks its stage at save time with pointers', async () => {
    const types = (await api().get('/api/v1/stage-types')).body as Array<{ type: string; aliases?: string[] }>;
    expect(types.find((t) => t.type === 'kayentaCanary')?.aliases).toEqual(['canary']);
    expect(types.some((t) => t.type === 'canaryCleanup')).toBe(false);
    const r = await api().post('/api/v1/pipelines/validate', {
      application: 'hello',
      name: 'bad canary',
      stages: [{ refId: '1', type: 'kayentaCanary', canaryConfig: { canaryConfigId: 'x', lifetimeDuration: 'soon', scoreThresholds: { marginal: 90, pass: 75 }, scopes: [{ controlScope: 'a-v001', experimentScope: 'a-v002' }] } }],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: { pointer: string }) => d.pointer).sort()).toEqual(['/stages/0/canaryConfig/lifetimeDuration', '/stages/0/canaryConfig/scoreThresholds/marginal']);
  });
});
