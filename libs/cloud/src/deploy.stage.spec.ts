import { TransientError } from '@gennaker/common';
import { describe, expect, it } from 'vitest';
import { ProviderRegistry } from './provider-registry';
import type { ServerGroupSpec } from './provider.port';
import { deployStage } from './stages/deploy.stage';
import { CloudStageDriver, InMemoryClusterLock, InMemoryProvider } from './testing';

function setup(options: { startupMs?: number; unhealthyImages?: string[] } = {}) {
  const ref: { driver?: CloudStageDriver } = {};
  const now = (): number => ref.driver!.now();
  const provider = new InMemoryProvider({ now, startupMs: options.startupMs ?? 3000, unhealthyImages: options.unhealthyImages });
  const lock = new InMemoryClusterLock(now, (owner) => {
    const e = ref.driver!.executions.get(owner);
    return !!e && !['SUCCEEDED', 'TERMINAL', 'CANCELED', 'STOPPED'].includes(e.status);
  });
  const driver = new CloudStageDriver({ providers: new ProviderRegistry([provider]), lock });
  ref.driver = driver;
  return { driver, provider, lock };
}

const seedSpec = (name: string, createdTime: number, extra: Partial<ServerGroupSpec> & { enabled?: boolean } = {}) => ({
  account: 'test', region: 'r1', name, application: 'app', stack: 'prod', image: { id: 'img-old' }, capacity: { min: 2, max: 2, desired: 2 }, loadBalancers: ['app-prod'], createdTime, ...extra,
});

function deploy(cluster: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    refId: '1',
    type: 'deploy',
    name: 'Deploy',
    ...extra,
    clusters: [{ application: 'app', stack: 'prod', account: 'test', availabilityZones: { r1: [] }, capacity: { min: 2, max: 2, desired: 2 }, imageId: 'img-new', loadBalancers: ['app-prod'], ...cluster }],
  };
}

describe('deploy red/black', () => {
  it('creates the next version, waits for it, then disables, scales down and shrinks the older ones', async () => {
    const { driver, provider } = setup();
    provider.seed(seedSpec('app-prod-v000', 1, { enabled: false, capacity: { min: 0, max: 2, desired: 0 } }));
    provider.seed(seedSpec('app-prod-v001', 2));
    const id = driver.start([deploy({ strategy: 'redblack', scaleDown: true, maxRemainingAsgs: 2 })]);
    const e = await driver.runToEnd(id);
    expect(e.status).toBe('SUCCEEDED');
    const groups = await provider.listServerGroups('test', 'r1', { application: 'app' });
    expect(groups.map((g) => [g.name, g.enabled, g.capacity.desired]).sort()).toEqual([
      ['app-prod-v001', false, 0],
      ['app-prod-v002', true, 2],
    ]);
    // The old group was disabled only when the new one had every instance up.
    const disable = provider.calls.find((c) => c.op === 'disableServerGroup');
    expect(disable?.args[0]).toBe('app-prod-v001');
    expect((disable?.args[1] as Record<string, { up: number; desired: number }>)['app-prod-v002']).toEqual({ enabled: true, up: 2, desired: 2 });
    expect(provider.calls.map((c) => `${c.op}:${String(c.args[0])}`)).toEqual([
      'createServerGroup:app-prod-v002',
      'disableServerGroup:app-prod-v001',
      'resizeServerGroup:app-prod-v001',
      'disableServerGroup:app-prod-v000',
      'destroyServerGroup:app-prod-v000',
    ]);
    const outputs = driver.stage(id, 'Deploy').outputs;
    expect(outputs['deploy.server.groups']).toEqual({ r1: ['app-prod-v002'] });
    expect(outputs['deployedServerGroups']).toEqual([expect.objectContaining({ serverGroup: 'app-prod-v002', region: 'r1', account: 'test', cluster: 'app-prod' })]);
  });

  it('deploys each region of a cluster in parallel, one version line per region', async () => {
    const { driver, provider } = setup();
    provider.seed({ ...seedSpec('app-prod-v041', 1), region: 'r2' });
    const id = driver.start([deploy({ strategy: 'redblack', availabilityZones: { r1: [], r2: [] } })]);
    expect((await driver.runToEnd(id)).status).toBe('SUCCEEDED');
    expect(driver.stage(id, 'Deploy').outputs['deploy.server.groups']).toEqual({ r1: ['app-prod-v000'], r2: ['app-prod-v042'] });
  });

  it('a group that never becomes healthy fails the deploy by the stage timeout; rollback destroys it and the serving group is untouched', async () => {
    const { driver, provider } = setup({ unhealthyImages: ['img-bad'] });
    provider.seed(seedSpec('app-prod-v001', 2));
    const id = driver.start([deploy({ strategy: 'redblack', imageId: 'img-bad', rollback: { onFailure: true } }, { stageTimeoutMs: 60_000, overrideTimeout: true })]);
    const e = await driver.runToEnd(id);
    expect(e.status).toBe('TERMINAL');
    const csg = e.stages.find((s) => s.type === 'createServerGroup')!;
    expect(csg.error?.message).toMatch(/timed out|did not become healthy/);
    expect(provider.calls.map((c) => `${c.op}:${String(c.args[0])}`)).toEqual([
      'createServerGroup:app-prod-v002',
      'disableServerGroup:app-prod-v002',
      'destroyServerGroup:app-prod-v002',
    ]);
    const groups = await provider.listServerGroups('test', 'r1', { application: 'app' });
    expect(groups.map((g) => [g.name, g.enabled])).toEqual([['app-prod-v001', true]]);
  });

  it('a retry after a crash finds the recorded group instead of creating the next version', async () => {
    const { driver, provider } = setup();
    provider.seed(seedSpec('app-prod-v001', 2));
    // The cloud created the group, then the call failed (a worker died, a timeout).
    const create = provider.createServerGroup.bind(provider);
    let first = true;
    provider.createServerGroup = async (spec) => {
      const g = await create(spec);
      if (first) {
        first = false;
        throw new TransientError('connection reset');
      }
      return g;
    };
    const id = driver.start([deploy({ strategy: 'redblack' })]);
    expect((await driver.runToEnd(id)).status).toBe('SUCCEEDED');
    const names = (await provider.listServerGroups('test', 'r1', { application: 'app' })).map((g) => g.name).sort();
    expect(names).toEqual(['app-prod-v001', 'app-prod-v002']);
    const task = driver.get(id).stages.find((s) => s.type === 'createServerGroup')!.tasks.find((t) => t.type === 'createServerGroup')!;
    expect(task.status).toBe('SUCCEEDED');
  });

  it('two executions never change one cluster at once: the second waits, visibly, then deploys the next version', async () => {
    const { driver, provider } = setup();
    provider.seed(seedSpec('app-prod-v001', 2));
    const a = driver.start([deploy({ strategy: 'redblack' })]);
    const b = driver.start([deploy({ strategy: 'redblack' })]);
    await driver.run({ until: () => driver.get(b).stages.some((s) => s.context['waitingForClusterLock']) });
    const waiting = driver.get(b).stages.find((s) => s.context['waitingForClusterLock'])!.context['waitingForClusterLock'] as { holder: string; key: string };
    expect(waiting).toMatchObject({ holder: a, key: 'test/r1/app-prod' });
    await driver.runToEnd(a);
    expect((await driver.runToEnd(b)).status).toBe('SUCCEEDED');
    const groups = await provider.listServerGroups('test', 'r1', { application: 'app' });
    expect(groups.filter((g) => g.enabled).map((g) => g.name)).toEqual(['app-prod-v003']);
    // A's new group was created and made healthy before B even started creating.
    const creates = provider.calls.filter((c) => c.op === 'createServerGroup').map((c) => c.args[0]);
    expect(creates).toEqual(['app-prod-v002', 'app-prod-v003']);
  });

  it('the lock of an execution that ended is free (no waiting on a canceled deploy)', async () => {
    const { driver, provider, lock } = setup();
    provider.seed(seedSpec('app-prod-v001', 2));
    await lock.acquire('test/r1/app-prod', 'exec-gone', 3_600_000);
    const id = driver.start([deploy({ strategy: 'redblack' })]);
    expect((await driver.runToEnd(id)).status).toBe('SUCCEEDED');
  });
});

describe('other strategies', () => {
  it('highlander leaves only the new group', async () => {
    const { driver, provider } = setup();
    provider.seed(seedSpec('app-prod-v000', 1));
    provider.seed(seedSpec('app-prod-v001', 2, { enabled: false }));
    const id = driver.start([deploy({ strategy: 'highlander' })]);
    expect((await driver.runToEnd(id)).status).toBe('SUCCEEDED');
    expect((await provider.listServerGroups('test', 'r1', { application: 'app' })).map((g) => g.name)).toEqual(['app-prod-v002']);
  });

  it('none creates the group and touches nothing else', async () => {
    const { driver, provider } = setup();
    provider.seed(seedSpec('app-prod-v001', 2));
    const id = driver.start([deploy({ strategy: '' })]);
    expect((await driver.runToEnd(id)).status).toBe('SUCCEEDED');
    const groups = await provider.listServerGroups('test', 'r1', { application: 'app' });
    expect(groups.map((g) => [g.name, g.enabled]).sort()).toEqual([['app-prod-v001', true], ['app-prod-v002', true]]);
  });

  it('rolling red/black grows the new group step by step, shifting weights, with a judgment between steps', async () => {
    const { driver, provider } = setup();
    provider.seed(seedSpec('app-prod-v001', 2, { capacity: { min: 4, max: 4, desired: 4 } }));
    const id = driver.start([deploy({ strategy: 'rollingredblack', targetPercentages: [25, 50], judgmentBetweenSteps: true, capacity: { min: 4, max: 4, desired: 4 } })]);
    const judgments = () => driver.get(id).stages.filter((s) => s.type === 'manualJudgment' && s.status === 'RUNNING');
    await driver.run({ until: () => judgments().length > 0 });
    expect(provider.weights.get('app-prod')).toEqual({ 'app-prod-v002': 25, 'app-prod-v001': 75 });
    expect((await provider.getServerGroup('test', 'r1', 'app-prod-v002'))?.capacity.desired).toBe(1);
    expect((await provider.getServerGroup('test', 'r1', 'app-prod-v001'))?.enabled).toBe(true);
    const first = judgments()[0]!.id;
    driver.act(id, (t) => t.judge(first, { judgmentStatus: 'continue' }));
    await driver.run({ until: () => judgments().some((j) => j.id !== first) });
    expect(provider.weights.get('app-prod')).toEqual({ 'app-prod-v002': 50, 'app-prod-v001': 50 });
    driver.act(id, (t) => t.judge(judgments().find((j) => j.id !== first)!.id, { judgmentStatus: 'continue' }));
    expect((await driver.runToEnd(id)).status).toBe('SUCCEEDED');
    expect(provider.weights.has('app-prod')).toBe(false);
    const v2 = await provider.getServerGroup('test', 'r1', 'app-prod-v002');
    expect([v2?.capacity.desired, v2?.enabled]).toEqual([4, true]);
    expect((await provider.getServerGroup('test', 'r1', 'app-prod-v001'))?.enabled).toBe(false);
  });
});

describe('bad input', () => {
  it('is refused at validate time with pointers: Frigga names, min > max, strategy', () => {
    const errors = deployStage.validate!({
      clusters: [
        { application: 'my-app', account: 'test', availabilityZones: { r1: [] }, capacity: { min: 3, max: 2, desired: 2 } },
        { application: 'ok', account: 'test', availabilityZones: { r1: [] }, capacity: { min: 1, max: 1, desired: 1 }, strategy: 'bluegreen' },
        { application: 'ok', capacity: { min: 1, max: 1, desired: 1 } },
      ],
    });
    expect(errors.map((e) => e.pointer)).toEqual([
      '/clusters/0/application',
      '/clusters/0/capacity/min',
      '/clusters/0/capacity/desired',
      '/clusters/1/strategy',
      '/clusters/2/account',
      '/clusters/2/availabilityZones',
    ]);
  });

  it('unknown account or region fails the stage naming the field, before anything is created', async () => {
    const { driver, provider } = setup();
    const a = driver.start([deploy({ account: 'nope' })]);
    const ea = await driver.runToEnd(a);
    expect(ea.status).toBe('TERMINAL');
    expect(ea.stages.find((s) => s.type === 'createServerGroup')?.error?.details).toEqual([{ pointer: '/clusters/0/account', message: 'no account named "nope"' }]);
    const b = driver.start([deploy({ availabilityZones: { 'eu-west-9': [] } })]);
    const eb = await driver.runToEnd(b);
    expect(eb.stages.find((s) => s.type === 'createServerGroup')?.error?.details?.[0]?.pointer).toBe('/clusters/0/availabilityZones');
    expect(provider.calls).toEqual([]);
  });

  it('no image fails the stage naming /clusters/0/imageId', async () => {
    const { driver } = setup();
    const id = driver.start([deploy({ imageId: undefined })]);
    const e = await driver.runToEnd(id);
    expect(e.stages.find((s) => s.type === 'createServerGroup')?.error?.details?.[0]?.pointer).toBe('/clusters/0/imageId');
  });

  it('a lock left by a failed deploy is released: the next deploy does not wait', async () => {
    const { driver, lock } = setup();
    const id = driver.start([deploy({ account: 'nope' })]);
    await driver.runToEnd(id);
    expect(lock.held.size).toBe(0);
  });
});

describe('images', () => {
  it('bake per region then deploy its image; the same inputs reuse the image', async () => {
    const { driver, provider } = setup();
    const stages = [
      { refId: '1', type: 'bake', name: 'Bake', regions: ['r1', 'r2'], package: 'app', version: '1.0', account: 'test' },
      { ...deploy({ imageId: undefined, availabilityZones: { r1: [], r2: [] } }), refId: '2', requisiteStageRefIds: ['1'] },
    ];
    const id = driver.start(stages);
    expect((await driver.runToEnd(id)).status).toBe('SUCCEEDED');
    const details = driver.stage(id, 'Bake').outputs['deploymentDetails'] as Array<{ region: string; imageId: string }>;
    expect(details.map((d) => d.region).sort()).toEqual(['r1', 'r2']);
    const r2 = await provider.getServerGroup('test', 'r2', 'app-prod-v000');
    expect(r2?.image.id).toBe(details.find((d) => d.region === 'r2')?.imageId);
    const again = driver.start([stages[0]!]);
    await driver.runToEnd(again);
    const bakes = driver.get(again).stages.filter((s) => s.context['bakeInRegion'] === true);
    expect(bakes.map((s) => s.context['reused'])).toEqual([true, true]);
  });

  it('findImage takes the image of the cluster\'s newest enabled group', async () => {
    const { driver, provider } = setup();
    provider.seed(seedSpec('app-prod-v001', 1, { image: { id: 'img-a' } }));
    provider.seed(seedSpec('app-prod-v002', 2, { image: { id: 'img-b' }, enabled: false }));
    const id = driver.start([
      { refId: '1', type: 'findImage', name: 'Find', cluster: 'app-prod', credentials: 'test', regions: ['r1'], selectionStrategy: 'NEWEST', onlyEnabled: true },
      { ...deploy({ imageId: undefined, stack: 'staging' }), refId: '2', requisiteStageRefIds: ['1'] },
    ]);
    expect((await driver.runToEnd(id)).status).toBe('SUCCEEDED');
    expect((await provider.getServerGroup('test', 'r1', 'app-staging-v000'))?.image.id).toBe('img-a');
  });
});

describe('server group and cluster operations', () => {
  it('resize by target, enable/disable/destroy by name, rollbackCluster, scaleDown and shrink', async () => {
    const { driver, provider } = setup();
    provider.seed(seedSpec('app-prod-v001', 1, { enabled: false, capacity: { min: 0, max: 2, desired: 0 } }));
    provider.seed(seedSpec('app-prod-v002', 2, { image: { id: 'img-broken' } }));
    const base = { cluster: 'app-prod', credentials: 'test', regions: ['r1'] };
    const resize = driver.start([{ refId: '1', type: 'resizeServerGroup', ...base, target: 'current_asg_dynamic', action: 'scale_up', resizeType: 'incr', scaleNum: 1 }]);
    expect((await driver.runToEnd(resize)).status).toBe('SUCCEEDED');
    expect((await provider.getServerGroup('test', 'r1', 'app-prod-v002'))?.capacity).toEqual({ min: 2, max: 3, desired: 3 });

    const rollback = driver.start([{ refId: '1', type: 'rollbackCluster', ...base }]);
    expect((await driver.runToEnd(rollback)).status).toBe('SUCCEEDED');
    const v1 = await provider.getServerGroup('test', 'r1', 'app-prod-v001');
    expect([v1?.enabled, v1?.capacity.desired]).toEqual([true, 3]);
    expect((await provider.getServerGroup('test', 'r1', 'app-prod-v002'))?.enabled).toBe(false);
    // enabled before the broken one was disabled
    const ops = provider.calls.map((c) => `${c.op}:${String(c.args[0])}`);
    expect(ops.indexOf('enableServerGroup:app-prod-v001')).toBeLessThan(ops.indexOf('disableServerGroup:app-prod-v002'));

    const scale = driver.start([{ refId: '1', type: 'scaleDownCluster', ...base, remainingFullSizeServerGroups: 0 }]);
    expect((await driver.runToEnd(scale)).status).toBe('SUCCEEDED');
    expect((await provider.getServerGroup('test', 'r1', 'app-prod-v002'))?.capacity.desired).toBe(0);

    const shrink = driver.start([{ refId: '1', type: 'shrinkCluster', ...base, shrinkToSize: 1, retainLargerOverNewer: true }]);
    expect((await driver.runToEnd(shrink)).status).toBe('SUCCEEDED');
    expect((await provider.listServerGroups('test', 'r1', { application: 'app' })).map((g) => g.name)).toEqual(['app-prod-v001']);

    const destroy = driver.start([{ refId: '1', type: 'destroyServerGroup', serverGroupName: 'app-prod-v001', credentials: 'test', region: 'r1' }], { type: 'ORCHESTRATION' });
    expect((await driver.runToEnd(destroy)).status).toBe('SUCCEEDED');
    expect(await provider.listServerGroups('test', 'r1', { application: 'app' })).toEqual([]);
  });

  it('rollbackServerGroup with an explicit rollback context', async () => {
    const { driver, provider } = setup();
    provider.seed(seedSpec('app-prod-v001', 1, { enabled: false }));
    provider.seed(seedSpec('app-prod-v002', 2));
    const id = driver.start(
      [{ refId: '1', type: 'rollbackServerGroup', credentials: 'test', region: 'r1', rollbackType: 'EXPLICIT', rollbackContext: { rollbackServerGroupName: 'app-prod-v002', restoreServerGroupName: 'app-prod-v001' } }],
      { type: 'ORCHESTRATION' },
    );
    expect((await driver.runToEnd(id)).status).toBe('SUCCEEDED');
    expect((await provider.listServerGroups('test', 'r1', { application: 'app' })).map((g) => [g.name, g.enabled]).sort()).toEqual([
      ['app-prod-v001', true],
      ['app-prod-v002', false],
    ]);
  });

  it('a target that does not exist fails with a clear message', async () => {
    const { driver } = setup();
    const id = driver.start([{ refId: '1', type: 'disableServerGroup', cluster: 'app-prod', credentials: 'test', regions: ['r1'], target: 'ancestor_asg_dynamic' }]);
    const e = await driver.runToEnd(id);
    expect(e.stages[0]?.error?.message).toBe('cluster app-prod has no ancestor server group in test/r1');
  });
});
