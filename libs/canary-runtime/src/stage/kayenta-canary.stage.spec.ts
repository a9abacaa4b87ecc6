// The kayentaCanary stage through the real state machine, in memory, on a virtual clock: the
// in-memory cloud of @gennaker/cloud/testing, a metric source whose values the spec decides, and
// in-memory stores. The same stage runs on Postgres, Redis and the local provider in
// kayenta-canary.int-spec.ts.
import { ProviderRegistry } from '@gennaker/cloud';
import { InMemoryClusterLock, InMemoryProvider, testJudgmentStage, testJudgmentTask } from '@gennaker/cloud/testing';
import { TransientError } from '@gennaker/common';
import { createExecution, findStage, StageRegistry, taskInput, type Execution, type ExpressionPort, type Stage } from '@gennaker/engine';
import { InMemoryDriver } from '@gennaker/engine/testing';
import { evaluateObject, evaluateTemplate } from '@gennaker/expressions';
import { MetricSourceRegistry } from '@gennaker/metrics';
import { InMemoryMetricSource } from '@gennaker/metrics/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { canaryStagesPlugin } from '../canary-stages.plugin';
import { InMemoryCanaryConfigStore, InMemoryCanaryResultStore } from '../testing/in-memory-canary.stores';

const expressions: ExpressionPort = { evaluateObject: (v, s) => evaluateObject(v, s), evaluateTemplate: (t, s) => evaluateTemplate(t, s) };

/** Deterministic noise in [0, 1) per time and seed. */
function noise(t: number, seed: number): number {
  const x = Math.sin((t / 1000) * 12.9898 + seed * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

const CONFIG = {
  name: 'hello-canary',
  metrics: [
    { name: 'errors', query: { type: 'mem', metric: 'error_rate' }, groups: ['Errors'], analysisConfigurations: { canary: { direction: 'increase', critical: true } } },
    { name: 'latency', query: { type: 'mem', metric: 'latency' }, groups: ['Latency'], analysisConfigurations: { canary: { direction: 'increase', effectSize: { allowedIncrease: 1.2 } } } },
    { name: 'requests', query: { type: 'mem', metric: 'requests' }, groups: ['Latency'], analysisConfigurations: { canary: { dryRun: true } } },
  ],
  classifier: { groupWeights: { Errors: 50, Latency: 50 }, scoreThresholds: { marginal: 50, pass: 75 } },
};

type Behaviour = 'healthy' | 'faulty' | 'slow' | 'silent' | 'busy';

let provider: InMemoryProvider;
let lock: InMemoryClusterLock;
let source: InMemoryMetricSource;
let configs: InMemoryCanaryConfigStore;
let results: InMemoryCanaryResultStore;
let driver: InMemoryDriver;
let registry: StageRegistry;
let canaryBehaviour: Behaviour;

function value(metric: string, scope: string, t: number): number {
  const isCanary = scope.includes('-canary-') || scope === 'manual-canary-v001';
  const b: Behaviour = isCanary ? canaryBehaviour : 'healthy';
  if (b === 'silent') return Number.NaN;
  const n = noise(t, isCanary ? 2 : 1);
  switch (metric) {
    case 'error_rate':
      return b === 'faulty' ? 0.1 + 0.1 * n : 0;
    case 'latency':
      return b === 'slow' || b === 'faulty' ? 40 + 5 * n : 10 + 2 * n;
    case 'requests':
      return b === 'busy' ? 100 + n : 10 + n;
    default:
      return Number.NaN;
  }
}

beforeEach(() => {
  canaryBehaviour = 'healthy';
  driver = new InMemoryDriver(undefined as unknown as StageRegistry, expressions);
  provider = new InMemoryProvider({ now: () => driver.now, startupMs: 2000, accounts: [{ name: 'test', provider: 'local', regions: ['r1'], environment: 'test' }] });
  lock = new InMemoryClusterLock();
  source = new InMemoryMetricSource('mem', ({ scope, metric, t }) => value(metric, scope, t));
  configs = new InMemoryCanaryConfigStore();
  results = new InMemoryCanaryResultStore();
  configs.put('cfg-1', CONFIG);
  const plugin = canaryStagesPlugin({ configs, results, sources: new MetricSourceRegistry([source]), cloud: new ProviderRegistry([provider]), lock });
  registry = new StageRegistry([...plugin.definitions, testJudgmentStage], [...plugin.tasks, testJudgmentTask]);
  driver = new InMemoryDriver(registry, expressions);
  provider.seed({
    account: 'test',
    region: 'r1',
    name: 'hello-prod-v001',
    application: 'hello',
    stack: 'prod',
    image: { id: 'img-v1', name: 'hello-v1' },
    capacity: { min: 2, max: 2, desired: 2 },
    loadBalancers: ['hello-lb'],
  });
});

function canaryStage(over: Record<string, unknown> = {}, config: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    refId: '1',
    type: 'kayentaCanary',
    name: 'Canary',
    canaryConfig: {
      canaryConfigId: 'cfg-1',
      lifetimeDuration: 'PT15S',
      canaryAnalysisIntervalSeconds: 5,
      scopes: [{ scopeName: 'default', step: 1 }],
      ...config,
    },
    deployments: {
      baseline: { cloudProvider: 'local', application: 'hello', account: 'test', cluster: 'hello-prod' },
      serverGroupPairs: [{ control: { region: 'r1', capacity: { min: 1, max: 1, desired: 1 } }, experiment: { region: 'r1', imageId: 'img-v2', capacity: { min: 1, max: 1, desired: 1 } } }],
      trafficPercent: 25,
    },
    ...over,
  };
}

async function run(stages: Array<Record<string, unknown>>, until?: (e: Execution) => boolean): Promise<Execution> {
  const e = createExecution({ id: `exec-${Math.random().toString(36).slice(2)}`, type: 'PIPELINE', config: { application: 'hello', name: 'canary', stages: stages as never }, pipelineConfigId: null, trigger: { type: 'manual', user: 'tester' }, now: driver.now, newId: driver.newId });
  driver.add(e);
  driver.send({ type: 'StartExecution', executionId: e.id });
  if (!until) await driver.run();
  else for (let i = 0; i < 1000 && !until(e); i++) await driver.run(1);
  return e;
}

/** Until the marginal judgment waits (its poll never ends by itself). */
const judgmentWaits = (e: Execution) => e.stages.some((s) => s.type === 'manualJudgment' && s.status === 'RUNNING');

const stageNamed = (e: Execution, name: string): Stage => {
  const s = e.stages.find((x) => x.name === name);
  if (!s) throw new Error(`no stage ${name}: ${e.stages.map((x) => x.name).join(', ')}`);
  return s;
};

const ops = () => provider.calls.map((c) => `${c.op} ${String(c.args[0])}`);

describe('kayentaCanary with deployments', () => {
  it('healthy canary: baseline and canary deployed with a traffic share, three intervals judged, Pass, both removed', async () => {
    const e = await run([canaryStage()]);
    const canary = stageNamed(e, 'Canary');
    expect(e.status).toBe('SUCCEEDED');
    expect(canary.status).toBe('SUCCEEDED');
    expect(canary.outputs).toMatchObject({ overallResult: 'Pass', overallScore: 100, canaryScores: [100, 100, 100], canaryDeployment: { baselineServerGroup: 'hello-prod-baseline-v000', canaryServerGroup: 'hello-prod-canary-v000' } });

    // Weights first (naming the groups to come), then the groups, then the analysis, then cleanup.
    expect(ops()).toEqual([
      'setTrafficWeights hello-lb',
      'createServerGroup hello-prod-baseline-v000',
      'createServerGroup hello-prod-canary-v000',
      'destroyServerGroup hello-prod-canary-v000',
      'destroyServerGroup hello-prod-baseline-v000',
      'setTrafficWeights hello-lb',
    ]);
    expect(provider.calls[0]?.args[1]).toEqual({ 'hello-prod-v001': 50, 'hello-prod-baseline-v000': 25, 'hello-prod-canary-v000': 25 });
    expect(provider.calls[5]?.args[1]).toEqual({});
    const created = provider.calls[1]?.args[1] as { image: { id: string }; capacity: unknown; loadBalancers: string[] };
    expect(created.image.id).toBe('img-v1');
    expect(created.loadBalancers).toEqual(['hello-lb']);
    expect((provider.calls[2]?.args[1] as { image: { id: string } }).image.id).toBe('img-v2');

    // Baseline is the control, canary the experiment, measured only once both were up.
    const queried = source.calls.map((c) => c.scope.scope);
    expect(new Set(queried)).toEqual(new Set(['hello-prod-baseline-v000', 'hello-prod-canary-v000']));
    const firstWindow = source.calls[0]?.scope;
    expect(firstWindow && firstWindow.end - firstWindow.start).toBe(5000);
    expect(source.calls.at(-1)?.scope.end).toBe((firstWindow?.start ?? 0) + 15_000);

    const result = await results.get(String(canary.outputs['canaryResultId']));
    expect(result).toMatchObject({ status: 'SUCCEEDED', classification: 'Pass', score: 100, executionId: e.id, configName: 'hello-canary' });
    const intervals = await results.intervals(result!.id);
    expect(intervals.map((i) => [i.index, i.classification, i.score])).toEqual([
      [0, 'Pass', 100],
      [1, 'Pass', 100],
      [2, 'Pass', 100],
    ]);
    const metrics = intervals[2]!.judgment['metrics'] as Array<{ name: string; control: number[]; experiment: number[]; dryRun: boolean; queries: { control: string } }>;
    expect(metrics.map((m) => [m.name, m.control.length, m.experiment.length, m.dryRun])).toEqual([
      ['errors', 15, 15, false],
      ['latency', 15, 15, false],
      ['requests', 15, 15, true],
    ]);
    expect(metrics[0]?.queries.control).toContain('hello-prod-baseline-v000');
    expect(await provider.listServerGroups('test', 'r1', { application: 'hello' })).toHaveLength(1);
    expect(await lock.acquire('test/r1/hello-prod-canary', 'someone-else', 1000)).toMatchObject({ acquired: true });
  });

  it('faulty canary: stops after the first interval with Fail, takes the failure path, and still removes both groups', async () => {
    canaryBehaviour = 'faulty';
    const e = await run([canaryStage({ continuePipeline: true })]);
    const canary = stageNamed(e, 'Canary');
    expect(canary.status).toBe('FAILED_CONTINUE');
    expect(e.status).toBe('SUCCEEDED');
    expect(canary.outputs).toMatchObject({ overallResult: 'Fail', overallScore: 0, earlyStop: true, canaryScores: [0] });
    expect(canary.error?.message).toMatch(/stopped after interval 1 of 3/);
    expect(ops().filter((o) => o.startsWith('destroy'))).toEqual(['destroyServerGroup hello-prod-canary-v000', 'destroyServerGroup hello-prod-baseline-v000']);
    const result = await results.get(String(canary.outputs['canaryResultId']));
    expect(result).toMatchObject({ status: 'TERMINAL', classification: 'Fail' });
    expect(await results.intervals(result!.id)).toHaveLength(1);
    expect(e.stages.map((s) => [s.name, s.status])).toEqual([
      ['Canary', 'FAILED_CONTINUE'],
      ['Deploy baseline and canary', 'SUCCEEDED'],
      ['Clean up the canary', 'SUCCEEDED'],
    ]);
  });

  it('a dry-run metric is measured and reported but never fails the canary', async () => {
    canaryBehaviour = 'busy';
    const e = await run([canaryStage()]);
    const canary = stageNamed(e, 'Canary');
    expect(canary.outputs['overallResult']).toBe('Pass');
    const intervals = await results.intervals(String(canary.outputs['canaryResultId']));
    const requests = (intervals[0]!.judgment['metrics'] as Array<{ name: string; classification: string }>).find((m) => m.name === 'requests');
    expect(requests?.classification).toBe('High');
  });

  it('an interval without traffic is NoData, not a pass; a last interval without data fails the canary', async () => {
    canaryBehaviour = 'silent';
    const e = await run([canaryStage()]);
    const canary = stageNamed(e, 'Canary');
    expect(canary.status).toBe('TERMINAL');
    expect(canary.outputs).toMatchObject({ overallResult: 'NoData', canaryScores: [0, 0, 0] });
    const intervals = await results.intervals(String(canary.outputs['canaryResultId']));
    expect(intervals.map((i) => i.classification)).toEqual(['NoData', 'NoData', 'NoData']);
    expect(intervals[0]!.judgment['reason']).toMatch(/No data/);
    expect(ops().filter((o) => o.startsWith('destroy'))).toHaveLength(2);
  });

  it('marginal with marginalAction pause: waits at a manual judgment; continue passes it', async () => {
    canaryBehaviour = 'slow';
    const e = await run([canaryStage({ marginalAction: 'pause' }, { scoreThresholds: { marginal: 40, pass: 75 } })], judgmentWaits);
    const canary = stageNamed(e, 'Canary');
    const judgment = stageNamed(e, 'Canary is marginal: continue?');
    expect(canary.status).toBe('RUNNING');
    expect(judgment.status).toBe('RUNNING');
    expect(canary.outputs).toMatchObject({ overallResult: 'Marginal', overallScore: 50 });
    const id = String(canary.outputs['canaryResultId']);
    expect(await results.get(id)).toMatchObject({ status: 'RUNNING', classification: 'Marginal' });
    // Baseline and canary stay up while a person looks at them.
    expect(ops().filter((o) => o.startsWith('destroy'))).toEqual([]);
    driver.act(e.id, (t) => t.judge(judgment.id, { judgmentStatus: 'continue' }));
    await driver.run(500);
    expect(canary.status).toBe('SUCCEEDED');
    expect(await results.get(id)).toMatchObject({ status: 'SUCCEEDED', classification: 'Marginal', message: expect.stringContaining('continued') });
    expect(ops().filter((o) => o.startsWith('destroy'))).toHaveLength(2);
  });

  it('marginal with pause: stop fails the canary and cleans up', async () => {
    canaryBehaviour = 'slow';
    const e = await run([canaryStage({ marginalAction: 'pause' }, { scoreThresholds: { marginal: 40, pass: 75 } })], judgmentWaits);
    const judgment = stageNamed(e, 'Canary is marginal: continue?');
    driver.act(e.id, (t) => t.judge(judgment.id, { judgmentStatus: 'stop' }));
    await driver.run(500);
    const canary = stageNamed(e, 'Canary');
    expect(canary.status).toBe('TERMINAL');
    expect(await results.get(String(canary.outputs['canaryResultId']))).toMatchObject({ status: 'TERMINAL', message: expect.stringContaining('stopped') });
    expect(ops().filter((o) => o.startsWith('destroy'))).toHaveLength(2);
  });

  it('marginal without pause fails, as Kayenta does; the judgment stage is not planned', async () => {
    canaryBehaviour = 'slow';
    const e = await run([canaryStage({}, { scoreThresholds: { marginal: 40, pass: 75 } })]);
    expect(stageNamed(e, 'Canary').status).toBe('TERMINAL');
    expect(stageNamed(e, 'Canary').outputs['overallResult']).toBe('Marginal');
    expect(e.stages.some((s) => s.type === 'manualJudgment')).toBe(false);
  });

  it('a metric source outage is retried and the interval judged once', async () => {
    source.failNext = new TransientError('prometheus is down');
    const e = await run([canaryStage()]);
    const canary = stageNamed(e, 'Canary');
    expect(canary.outputs['overallResult']).toBe('Pass');
    expect(results.saves).toBe(3);
    expect(canary.tasks.find((t) => t.name === 'monitorCanaryAnalysis')?.status).toBe('SUCCEEDED');
  });

  it('a canary group that never comes up fails the stage and removes both groups', async () => {
    provider = new InMemoryProvider({ now: () => driver.now, startupMs: 2000, unhealthyImages: ['img-v2'], accounts: [{ name: 'test', provider: 'local', regions: ['r1'], environment: 'test' }] });
    provider.seed({ account: 'test', region: 'r1', name: 'hello-prod-v001', application: 'hello', stack: 'prod', image: { id: 'img-v1' }, capacity: { min: 1, max: 1, desired: 1 }, loadBalancers: ['hello-lb'] });
    const plugin = canaryStagesPlugin({ configs, results, sources: new MetricSourceRegistry([source]), cloud: new ProviderRegistry([provider]), lock });
    driver = new InMemoryDriver(new StageRegistry([...plugin.definitions, testJudgmentStage], [...plugin.tasks, testJudgmentTask]), expressions);
    const e = await run([canaryStage()]);
    expect(stageNamed(e, 'Canary').status).toBe('TERMINAL');
    expect(stageNamed(e, 'Deploy baseline and canary').error?.message).toMatch(/timed out/);
    expect(ops().filter((o) => o.startsWith('destroy'))).toHaveLength(2);
    expect(provider.calls.at(-1)).toMatchObject({ op: 'setTrafficWeights', args: ['hello-lb', {}] });
    expect(source.calls).toHaveLength(0);
  });

  it('canceled mid-analysis: the task\'s onCancel destroys both groups and marks the run canceled', async () => {
    const e = createExecution({ id: 'exec-cancel', type: 'PIPELINE', config: { application: 'hello', name: 'c', stages: [canaryStage()] as never }, pipelineConfigId: null, trigger: { type: 'manual' }, now: driver.now, newId: driver.newId });
    driver.add(e);
    driver.send({ type: 'StartExecution', executionId: e.id });
    // Until the first interval was judged.
    for (let i = 0; i < 200 && results.saves === 0; i++) await driver.run(1);
    driver.act(e.id, (t) => t.cancel('enough'));
    const canary = stageNamed(e, 'Canary');
    const task = canary.tasks.find((t) => t.name === 'monitorCanaryAnalysis')!;
    expect(task.status).toBe('CANCELED');
    await registry.task(task.type)!.onCancel!(taskInput(e, canary, task, driver.now, new AbortController().signal));
    expect(ops().filter((o) => o.startsWith('destroy'))).toHaveLength(2);
    expect(await results.get(String(canary.context['canaryResultId']))).toMatchObject({ status: 'CANCELED' });
  });
});

describe('kayentaCanary with deployments on a provider that cannot weigh traffic (AWS)', () => {
  it('puts baseline and canary in the production target groups, sharing traffic by instances, and never sets weights', async () => {
    provider = new InMemoryProvider({ now: () => driver.now, startupMs: 2000, accounts: [{ name: 'test', provider: 'local', regions: ['r1'], environment: 'test' }] });
    Object.defineProperty(provider, 'setTrafficWeights', { value: undefined });
    provider.seed({ account: 'test', region: 'r1', name: 'hello-prod-v001', application: 'hello', stack: 'prod', image: { id: 'img-v1' }, capacity: { min: 3, max: 3, desired: 3 }, targetGroups: ['hello-prod-tg'] });
    const plugin = canaryStagesPlugin({ configs, results, sources: new MetricSourceRegistry([source]), cloud: new ProviderRegistry([provider]), lock });
    driver = new InMemoryDriver(new StageRegistry([...plugin.definitions, testJudgmentStage], [...plugin.tasks, testJudgmentTask]), expressions);
    const e = await run([canaryStage()]);
    expect(stageNamed(e, 'Canary').outputs['overallResult']).toBe('Pass');
    expect(ops().filter((o) => o.startsWith('setTrafficWeights'))).toEqual([]);
    const created = provider.calls.filter((c) => c.op === 'createServerGroup').map((c) => c.args[1] as { targetGroups: string[]; capacity: { desired: number } });
    expect(created.map((c) => [c.targetGroups, c.capacity.desired])).toEqual([
      [['hello-prod-tg'], 1],
      [['hello-prod-tg'], 1],
    ]);
    expect(stageNamed(e, 'Deploy baseline and canary').context['canaryTraffic']).toMatch(/in proportion to instances/);
  });
});

describe('kayentaCanary retrospective', () => {
  it('judges a past period at once, interval by interval, without waiting', async () => {
    const start = driver.now - 3_600_000;
    const e = await run([
      {
        refId: '1',
        type: 'kayentaCanary',
        name: 'Canary',
        analysisType: 'retrospective',
        canaryConfig: {
          canaryConfigId: 'cfg-1',
          canaryAnalysisIntervalMins: 20,
          scopes: [{ controlScope: 'manual-baseline-v001', experimentScope: 'manual-canary-v001', controlLocation: 'r1', experimentLocation: 'r1', step: 60, startTimeIso: new Date(start).toISOString(), endTimeIso: new Date(start + 3_600_000).toISOString() }],
        },
      },
    ]);
    const canary = stageNamed(e, 'Canary');
    expect(canary.outputs).toMatchObject({ overallResult: 'Pass', canaryScores: [100, 100, 100] });
    expect(source.calls.filter((c) => c.scope.scope === 'manual-canary-v001').map((c) => [(c.scope.start - start) / 60_000, (c.scope.end - start) / 60_000])).toEqual([
      [0, 20],
      [0, 20],
      [0, 20],
      [0, 40],
      [0, 40],
      [0, 40],
      [0, 60],
      [0, 60],
      [0, 60],
    ]);
    // Judged as soon as the data was there: the clock did not move.
    expect(driver.now - start).toBe(3_600_000);
  });
});

describe('kayentaCanary without deployments', () => {
  it('judges the scopes it is given and records the result', async () => {
    const e = await run([
      {
        refId: '1',
        type: 'kayentaCanary',
        name: 'Canary',
        canaryConfig: {
          canaryConfigName: 'hello-canary',
          lifetimeDuration: 'PT10S',
          scopes: [{ scopeName: 'default', controlScope: 'manual-baseline-v001', controlLocation: 'r1', experimentScope: 'manual-canary-v001', experimentLocation: 'r1', step: 1 }],
          scoreThresholds: { marginal: 50, pass: 75 },
        },
      },
    ]);
    const canary = stageNamed(e, 'Canary');
    expect(canary.status).toBe('SUCCEEDED');
    expect(canary.outputs['canaryScores']).toEqual([100]);
    expect(provider.calls).toEqual([]);
    expect(stageNamed(e, 'Record the canary result').status).toBe('SUCCEEDED');
    const first = source.calls[0]!.scope;
    expect(first.end - first.start).toBe(10_000);
  });

  it('startCanaryAnalysis retried after a crash finds its run and keeps its windows', async () => {
    const e = createExecution({ id: 'exec-retry', type: 'PIPELINE', config: { application: 'hello', name: 'r', stages: [{ refId: '1', type: 'kayentaCanary', name: 'Canary', canaryConfig: { canaryConfigId: 'cfg-1', lifetimeDuration: 'PT10S', scopes: [{ controlScope: 'a-v001', experimentScope: 'manual-canary-v001', step: 1 }] } }] as never }, pipelineConfigId: null, trigger: { type: 'manual' }, now: driver.now, newId: driver.newId });
    const stage = e.stages[0]!;
    stage.startTime = driver.now;
    const task = { id: 't1', name: 'startCanaryAnalysis', type: 'startCanaryAnalysis', status: 'RUNNING' as const, startTime: driver.now, endTime: null, attempts: 0, pausedMs: 0, lastError: null };
    const impl = registry.task('startCanaryAnalysis')!;
    const first = await impl.execute(taskInput(e, stage, task, driver.now, new AbortController().signal));
    // The outcome was lost (the worker died): the retry runs later, on the same stage state.
    const second = await impl.execute(taskInput(e, stage, task, driver.now + 7000, new AbortController().signal));
    const windows = (r: typeof first) => (r.context?.['canaryAnalysis'] as { windows: unknown[] }).windows;
    expect(windows(second)).toEqual(windows(first));
    expect(results.results.size).toBe(1);
  });

  it('a config that does not exist fails the stage with the pointer of the reference, without deploying', async () => {
    const e = await run([canaryStage({}, { canaryConfigId: 'nope' })]);
    const canary = stageNamed(e, 'Canary');
    expect(canary.status).toBe('TERMINAL');
    expect(stageNamed(e, 'Deploy baseline and canary').error?.message).toContain('no canary config with id nope');
    // Checked before anything is deployed; the cleanup then has nothing to remove.
    expect(ops().filter((o) => o.startsWith('create'))).toEqual([]);
    expect(stageNamed(e, 'Deploy baseline and canary').error?.details?.[0]?.pointer).toBe('/canaryConfig/canaryConfigId');
    expect(findStage(e, canary.id)?.outputs['overallResult']).toBeUndefined();
  });
});
