import { InputError } from '@gennaker/common';
import { describe, expect, it } from 'vitest';
import type { ServerGroup } from './provider.port';
import {
  failedDeployRollback,
  groupsToDisable,
  groupsToScaleDown,
  groupsToShrink,
  normalizeStrategy,
  rollbackPlan,
  rollbackRestoreTarget,
  rollingStepCapacity,
  rollingStepWeights,
  strategyOptions,
  strategySteps,
} from './strategy.util';

function sg(name: string, createdTime: number, extra: Partial<ServerGroup> = {}): ServerGroup {
  const seq = Number(name.slice(-3));
  return {
    name,
    account: 'a',
    region: 'r',
    application: 'app',
    cluster: name.slice(0, -5),
    sequence: seq,
    enabled: true,
    capacity: { min: 2, max: 2, desired: 2 },
    image: { id: 'img' },
    instances: [],
    createdTime,
    loadBalancers: [],
    targetGroups: [],
    tags: {},
    ...extra,
  };
}
const names = (gs: ServerGroup[]) => gs.map((g) => g.name);

describe('strategy options', () => {
  it('reads Spinnaker keys with defaults', () => {
    expect(strategyOptions({ strategy: 'redblack' })).toEqual({
      strategy: 'redblack',
      maxRemainingAsgs: 0,
      scaleDown: false,
      delayBeforeDisableSec: 0,
      delayBeforeScaleDownSec: 0,
      rollbackOnFailure: false,
      targetHealthyDeployPercentage: 100,
      targetPercentages: [100],
      delayBetweenStepsSec: 0,
      judgmentBetweenSteps: false,
    });
    expect(strategyOptions({ strategy: 'redblack', maxRemainingAsgs: '2', rollback: { onFailure: true }, scaleDown: true })).toMatchObject({ maxRemainingAsgs: 2, rollbackOnFailure: true, scaleDown: true });
  });

  it('treats "" and absent as none, refuses unknown and custom strategies naming the field', () => {
    expect(normalizeStrategy('')).toBe('none');
    expect(normalizeStrategy(undefined)).toBe('none');
    expect(() => normalizeStrategy('bluegreen')).toThrow(InputError);
    try {
      normalizeStrategy('custom');
    } catch (err) {
      expect((err as InputError).details[0]?.pointer).toBe('/strategy');
      expect((err as InputError).message).toContain('not supported yet');
    }
  });

  it('checks rolling percentages and always ends at 100', () => {
    expect(strategyOptions({ strategy: 'rollingredblack', targetPercentages: [25, 50] }).targetPercentages).toEqual([25, 50, 100]);
    const bad = () => strategyOptions({ strategy: 'rollingredblack', targetPercentages: [50, 25, 150], targetHealthyDeployPercentage: 101, maxRemainingAsgs: -1 });
    expect(bad).toThrow(InputError);
    try {
      bad();
    } catch (err) {
      expect((err as InputError).details.map((d) => d.pointer)).toEqual(['/maxRemainingAsgs', '/targetHealthyDeployPercentage', '/targetPercentages/1', '/targetPercentages/2']);
    }
  });
});

describe('strategy steps', () => {
  const o = (x: Record<string, unknown>) => strategySteps(strategyOptions(x));

  it('none does nothing after the new group is up', () => {
    expect(o({ strategy: '' })).toEqual([]);
  });

  it('highlander destroys every other group', () => {
    expect(o({ strategy: 'highlander' })).toEqual([{ kind: 'shrinkCluster', shrinkToSize: 1, allowDeleteActive: true }]);
  });

  it('red/black: delays, disable, scale down, shrink, in that order, each only when asked', () => {
    expect(o({ strategy: 'redblack' }).map((s) => s.kind)).toEqual(['disableCluster']);
    expect(o({ strategy: 'redblack', delayBeforeDisableSec: 5, scaleDown: true, delayBeforeScaleDownSec: 7, maxRemainingAsgs: 2 })).toEqual([
      { kind: 'wait', seconds: 5, name: 'Wait before disable' },
      { kind: 'disableCluster', remainingEnabledServerGroups: 1 },
      { kind: 'wait', seconds: 7, name: 'Wait before scale down' },
      { kind: 'scaleDownCluster', remainingFullSizeServerGroups: 1 },
      { kind: 'shrinkCluster', shrinkToSize: 2, allowDeleteActive: false },
    ]);
    // scaleDown off: its delay is ignored
    expect(o({ strategy: 'redblack', delayBeforeScaleDownSec: 7 }).map((s) => s.kind)).toEqual(['disableCluster']);
  });

  it('rolling red/black: a step per percentage with optional pauses and judgments between, then red/black cleanup', () => {
    const steps = o({ strategy: 'rollingredblack', targetPercentages: [25, 50], delayBetweenStepsSec: 30, judgmentBetweenSteps: true, scaleDown: true });
    expect(steps.map((s) => (s.kind === 'rollingStep' ? `step${s.percentage}` : s.kind))).toEqual([
      'step25', 'wait', 'judgment', 'step50', 'wait', 'judgment', 'step100', 'disableCluster', 'scaleDownCluster',
    ]);
  });

  it('never disables before the new group had its health wait: disableCluster is never first of a rolling deploy', () => {
    const steps = o({ strategy: 'rollingredblack', targetPercentages: [10] });
    expect(steps.findIndex((s) => s.kind === 'disableCluster')).toBeGreaterThan(steps.findIndex((s) => s.kind === 'rollingStep' && s.percentage === 100));
  });
});

describe('rolling steps', () => {
  it('rounds the share up and keeps min consistent', () => {
    expect(rollingStepCapacity({ min: 4, max: 4, desired: 4 }, 25)).toEqual({ min: 1, max: 4, desired: 1 });
    expect(rollingStepCapacity({ min: 1, max: 5, desired: 3 }, 50)).toEqual({ min: 1, max: 5, desired: 2 });
    expect(rollingStepCapacity({ min: 3, max: 3, desired: 3 }, 100)).toEqual({ min: 3, max: 3, desired: 3 });
  });

  it('gives the new group its share and splits the rest', () => {
    expect(rollingStepWeights('v2', ['v0', 'v1'], 20)).toEqual({ v2: 20, v0: 40, v1: 40 });
  });
});

describe('cluster-wide selections', () => {
  const v0 = sg('app-v000', 1, { enabled: false });
  const v1 = sg('app-v001', 2, { enabled: true });
  const v2 = sg('app-v002', 3, { enabled: true });
  const big = sg('app-v003', 0, { enabled: true, capacity: { min: 9, max: 9, desired: 9 } });

  it('disableCluster keeps the protected (new) group and disables the other enabled ones', () => {
    expect(names(groupsToDisable([v0, v1, v2], { remainingEnabledServerGroups: 1, protect: ['app-v002'] }))).toEqual(['app-v001']);
    // Protection wins over recency: a newer group created meanwhile is disabled, not the new one.
    expect(names(groupsToDisable([v1, v2], { remainingEnabledServerGroups: 1, protect: ['app-v001'] }))).toEqual(['app-v002']);
    expect(names(groupsToDisable([v1, v2, big], { remainingEnabledServerGroups: 1, preferLargerOverNewer: true }))).toEqual(['app-v002', 'app-v001']);
    expect(groupsToDisable([v1], { remainingEnabledServerGroups: 1 })).toEqual([]);
  });

  it('scaleDownCluster only touches disabled groups with instances unless allowed', () => {
    const v1off = { ...v1, enabled: false };
    const empty = sg('app-v004', 0, { enabled: false, capacity: { min: 0, max: 2, desired: 0 } });
    expect(names(groupsToScaleDown([v0, v1off, v2, empty], { remainingFullSizeServerGroups: 1, protect: ['app-v002'] }))).toEqual(['app-v001', 'app-v000']);
    expect(names(groupsToScaleDown([v0, v1, v2], { remainingFullSizeServerGroups: 1 }))).toEqual(['app-v000']);
    expect(names(groupsToScaleDown([v0, v1, v2], { remainingFullSizeServerGroups: 1, allowScaleDownActive: true }))).toEqual(['app-v001', 'app-v000']);
  });

  it('shrinkCluster keeps the newest N and destroys older disabled ones; highlander destroys active ones too', () => {
    const v1off = { ...v1, enabled: false };
    expect(names(groupsToShrink([v0, v1off, v2], { shrinkToSize: 2, protect: ['app-v002'] }))).toEqual(['app-v000']);
    expect(names(groupsToShrink([v0, v1, v2], { shrinkToSize: 1 }))).toEqual(['app-v000']);
    expect(names(groupsToShrink([v0, v1, v2], { shrinkToSize: 1, allowDeleteActive: true, protect: ['app-v002'] }))).toEqual(['app-v001', 'app-v000']);
    expect(names(groupsToShrink([v0, v1, v2, big], { shrinkToSize: 1, allowDeleteActive: true, retainLargerOverNewer: true }))).toEqual(['app-v002', 'app-v001', 'app-v000']);
  });
});

describe('rollback of a failed deploy', () => {
  const oldOff = sg('app-v001', 1, { enabled: false, capacity: { min: 0, max: 2, desired: 0 } });
  const fresh = sg('app-v002', 2, { enabled: true });

  it('puts back what the deploy disabled and scaled down, then destroys the new group', () => {
    expect(failedDeployRollback([oldOff, fresh], 'app-v002', { disabled: ['app-v001'], scaledDown: [{ name: 'app-v001', capacity: { min: 2, max: 2, desired: 2 } }] }, true)).toEqual([
      { kind: 'resize', serverGroup: 'app-v001', capacity: { min: 2, max: 2, desired: 2 } },
      { kind: 'enable', serverGroup: 'app-v001' },
      { kind: 'destroy', serverGroup: 'app-v002' },
    ]);
  });

  it('without rollback.onFailure only disables the new group, when another one serves', () => {
    const old = sg('app-v001', 1, { enabled: true });
    expect(failedDeployRollback([old, fresh], 'app-v002', { disabled: [], scaledDown: [] }, false)).toEqual([{ kind: 'disable', serverGroup: 'app-v002' }]);
  });

  it('never takes the only serving group out of service', () => {
    expect(failedDeployRollback([fresh], 'app-v002', { disabled: [], scaledDown: [] }, true)).toEqual([]);
    expect(failedDeployRollback([fresh], 'app-v002', { disabled: [], scaledDown: [] }, false)).toEqual([]);
    // A first deploy that never came up (disabled or not serving) is still destroyed.
    expect(failedDeployRollback([{ ...fresh, enabled: false }], 'app-v002', { disabled: [], scaledDown: [] }, true)).toEqual([{ kind: 'destroy', serverGroup: 'app-v002' }]);
  });

  it('does nothing when nothing was created', () => {
    expect(failedDeployRollback([oldOff], 'app-v002', { disabled: [], scaledDown: [] }, true)).toEqual([]);
  });
});

describe('rollback targets', () => {
  it('restores the newest older group, sized like the current one', () => {
    const v0 = sg('app-v000', 1, { capacity: { min: 1, max: 1, desired: 1 } });
    const v1 = sg('app-v001', 2, { enabled: false, capacity: { min: 0, max: 3, desired: 0 } });
    const v2 = sg('app-v002', 3, { capacity: { min: 3, max: 3, desired: 3 } });
    expect(rollbackRestoreTarget([v0, v1, v2], v2)?.name).toBe('app-v001');
    expect(rollbackRestoreTarget([v2], v2)).toBeNull();
    expect(rollbackPlan(v2, v1)).toEqual({ resize: { min: 3, max: 3, desired: 3 }, enable: 'app-v001', disable: 'app-v002' });
    expect(rollbackPlan(v0, { ...v2, name: 'x' }).resize).toBeNull();
  });
});
