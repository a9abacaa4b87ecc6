import type { SyntheticStageSpec } from '@gennaker/engine';
import { describe, expect, it } from 'vitest';
import { ProviderRegistry } from './provider-registry';
import type { AlarmState } from './provider.port';
import { deployStage } from './stages/deploy.stage';
import { withAlarmWatch } from './stages/watch-alarms.stage';
import { CloudStageDriver, InMemoryClusterLock, InMemoryProvider } from './testing';

/** The in-memory cloud with CloudWatch-like alarms whose state a spec sets at a virtual time. */
class AlarmingProvider extends InMemoryProvider {
  readonly alarms = new Map<string, { state: AlarmState['state']; from: number }[]>();
  polls = 0;

  set(name: string, state: AlarmState['state'], from = 0): void {
    this.alarms.set(name, [...(this.alarms.get(name) ?? []), { state, from }]);
  }

  async alarmStates(_account: string, _region: string, names: string[]): Promise<AlarmState[]> {
    this.polls++;
    const t = this.nowFn();
    return names.map((name) => {
      const changes = (this.alarms.get(name) ?? []).filter((c) => c.from <= t);
      const last = changes[changes.length - 1];
      return last ? { name, state: last.state, ...(last.state === 'ALARM' ? { reason: 'Threshold Crossed: 5 errors' } : {}) } : { name, state: 'MISSING' };
    });
  }

  constructor(private readonly nowFn: () => number) {
    super({ now: nowFn, startupMs: 3000 });
  }
}

function setup(withAlarms = true) {
  const ref: { driver?: CloudStageDriver } = {};
  const now = (): number => ref.driver!.now();
  const provider = withAlarms ? new AlarmingProvider(now) : new InMemoryProvider({ now, startupMs: 3000 });
  const lock = new InMemoryClusterLock(now, (owner) => {
    const e = ref.driver!.executions.get(owner);
    return !!e && !['SUCCEEDED', 'TERMINAL', 'CANCELED', 'STOPPED'].includes(e.status);
  });
  const driver = new CloudStageDriver({ providers: new ProviderRegistry([provider]), lock });
  ref.driver = driver;
  provider.seed({ account: 'test', region: 'r1', name: 'app-prod-v001', application: 'app', stack: 'prod', image: { id: 'img-old' }, capacity: { min: 2, max: 2, desired: 2 }, createdTime: 1 });
  return { driver, provider };
}

const deploy = (cluster: Record<string, unknown>) => ({
  refId: '1',
  type: 'deploy',
  name: 'Deploy',
  clusters: [{ application: 'app', stack: 'prod', account: 'test', availabilityZones: { r1: [] }, capacity: { min: 2, max: 2, desired: 2 }, imageId: 'img-new', strategy: 'redblack', ...cluster }],
});
const ops = (p: InMemoryProvider) => p.calls.map((c) => `${c.op}:${String(c.args[0])}`);

describe('rollback on alarms', () => {
  it('an alarm in ALARM during the watch window rolls the deploy back: the old group serves again at its size', async () => {
    const { driver, provider } = setup();
    const p = provider as AlarmingProvider;
    const start = driver.now();
    p.set('app-errors', 'OK');
    p.set('app-errors', 'ALARM', start + 60_000);
    p.set('app-latency', 'INSUFFICIENT_DATA');
    const id = driver.start([deploy({ scaleDown: true, maxRemainingAsgs: 2, alarms: ['app-errors', 'app-latency'], alarmWatchSeconds: 300, rollback: { onFailure: true } })]);
    const e = await driver.runToEnd(id);
    expect(e.status).toBe('TERMINAL');
    const watch = e.stages.find((s) => s.type === 'watchAlarms')!;
    expect(watch.status).toBe('TERMINAL');
    expect(watch.error?.message).toMatch(/alarm app-errors is in ALARM \(Threshold Crossed: 5 errors\) during the watch window/);
    // The watch ran after the old group was disabled and scaled down; the rollback put it back.
    expect(ops(provider)).toEqual([
      'createServerGroup:app-prod-v002',
      'disableServerGroup:app-prod-v001',
      'resizeServerGroup:app-prod-v001',
      'resizeServerGroup:app-prod-v001',
      'enableServerGroup:app-prod-v001',
      'disableServerGroup:app-prod-v002',
      'destroyServerGroup:app-prod-v002',
    ]);
    const groups = await provider.listServerGroups('test', 'r1', { application: 'app' });
    expect(groups.map((g) => [g.name, g.enabled, g.capacity.desired])).toEqual([['app-prod-v001', true, 2]]);
  });

  it('quiet alarms for the whole window: the deploy succeeds, and destroys nothing before the window ends', async () => {
    const { driver, provider } = setup();
    const p = provider as AlarmingProvider;
    p.set('app-errors', 'OK');
    provider.seed({ account: 'test', region: 'r1', name: 'app-prod-v000', application: 'app', stack: 'prod', image: { id: 'img-older' }, capacity: { min: 0, max: 0, desired: 0 }, createdTime: 0, enabled: false });
    const id = driver.start([deploy({ maxRemainingAsgs: 2, alarms: ['app-errors'], alarmWatchSeconds: 120 })]);
    const e = await driver.runToEnd(id);
    expect(e.status).toBe('SUCCEEDED');
    const watch = e.stages.find((s) => s.type === 'watchAlarms')!;
    expect(watch.endTime! - watch.startTime!).toBeGreaterThanOrEqual(120_000);
    expect(p.polls).toBeGreaterThan(2);
    const shrink = provider.calls.find((c) => c.op === 'destroyServerGroup');
    expect(shrink?.args[0]).toBe('app-prod-v000');
    expect(shrink!.at).toBeGreaterThanOrEqual(watch.endTime!);
  });

  it('an alarm name the provider does not know fails the deploy naming it', async () => {
    const { driver, provider } = setup();
    (provider as AlarmingProvider).set('app-errors', 'OK');
    const e = await driver.runToEnd(driver.start([deploy({ alarms: ['app-errors', 'app-typo'], alarmWatchSeconds: 60 })]));
    expect(e.status).toBe('TERMINAL');
    const watch = e.stages.find((s) => s.type === 'watchAlarms')!;
    expect(watch.error?.details).toEqual([{ pointer: '/alarms/1', message: 'no such alarm in test/r1' }]);
  });

  it('a provider without alarms refuses a deploy that lists some', async () => {
    const { driver } = setup(false);
    const e = await driver.runToEnd(driver.start([deploy({ alarms: ['app-errors'] })]));
    expect(e.status).toBe('TERMINAL');
    expect(e.stages.find((s) => s.type === 'watchAlarms')?.error?.details?.[0]?.pointer).toBe('/alarms');
  });

  it('validates alarms and the window at validate time', () => {
    expect(deployStage.validate!(deploy({ alarms: ['ok', ''], alarmWatchSeconds: -1 }))).toEqual([
      { pointer: '/clusters/0/alarms/1', message: 'must be an alarm name' },
      { pointer: '/clusters/0/alarmWatchSeconds', message: 'must be an integer from 0 to 86400' },
    ]);
    expect(deployStage.validate!(deploy({ alarms: 'app-errors' }))).toEqual([{ pointer: '/clusters/0/alarms', message: 'must be a list of alarm names' }]);
  });

  it('watches before anything is destroyed (highlander, shrink), else last', () => {
    const s = (type: string): SyntheticStageSpec => ({ type, name: type, context: {} });
    const types = (after: SyntheticStageSpec[]) => after.map((x) => x.type);
    expect(types(withAlarmWatch([s('disableCluster'), s('scaleDownCluster'), s('shrinkCluster')], { alarms: ['a'] }, {}))).toEqual(['disableCluster', 'scaleDownCluster', 'watchAlarms', 'shrinkCluster']);
    expect(types(withAlarmWatch([s('shrinkCluster')], { alarms: ['a'] }, {}))).toEqual(['watchAlarms', 'shrinkCluster']);
    expect(types(withAlarmWatch([], { alarms: ['a'] }, {}))).toEqual(['watchAlarms']);
    expect(types(withAlarmWatch([s('disableCluster')], { alarms: [] }, {}))).toEqual(['disableCluster']);
    expect(withAlarmWatch([], { alarms: ['a'] }, { credentials: 'test' })[0]?.context).toEqual({ credentials: 'test', alarms: ['a'], alarmWatchSeconds: 300 });
  });
});
