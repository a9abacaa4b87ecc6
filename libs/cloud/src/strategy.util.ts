import { InputError, type ErrorDetail } from '@gennaker/common';
import { largestFirst, newestFirst } from './cluster.util';
import type { Capacity, ServerGroup } from './provider.port';

/** Deploy strategies; `''` is Spinnaker's spelling of none. */
export const STRATEGIES = ['redblack', 'highlander', 'rollingredblack', 'none', ''] as const;
export type StrategyName = 'redblack' | 'highlander' | 'rollingredblack' | 'none';

export function normalizeStrategy(v: unknown, pointer = '/strategy'): StrategyName {
  if (v === undefined || v === null || v === '' || v === 'none') return 'none';
  if (v === 'redblack' || v === 'highlander' || v === 'rollingredblack') return v;
  if (v === 'custom') {
    throw new InputError('strategy "custom" (a strategy pipeline) is not supported yet; use redblack, rollingredblack, highlander or none', [
      { pointer, message: 'custom strategies are not supported yet' },
    ]);
  }
  throw new InputError(`unknown deploy strategy ${JSON.stringify(v)}`, [{ pointer, message: 'must be one of redblack, rollingredblack, highlander, none' }]);
}

/** The strategy options of a deploy cluster, as Spinnaker names them. */
export interface StrategyOptions {
  strategy: StrategyName;
  /** Server groups the cluster keeps (the new one included); older disabled ones are destroyed. 0 = keep all. */
  maxRemainingAsgs: number;
  /** Resize the disabled groups to 0 after the cut-over. */
  scaleDown: boolean;
  delayBeforeDisableSec: number;
  delayBeforeScaleDownSec: number;
  /** Destroy the new group when the deploy fails (else it is only disabled, if that leaves another serving). */
  rollbackOnFailure: boolean;
  targetHealthyDeployPercentage: number;
  /** Rolling red/black: share of the target capacity per step, ending at 100. */
  targetPercentages: number[];
  /** Rolling red/black: wait this long between steps. */
  delayBetweenStepsSec: number;
  /** Rolling red/black: ask a person before each step after the first. */
  judgmentBetweenSteps: boolean;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** Reads and checks the strategy options of one cluster; pointers relative to the cluster. */
export function strategyOptions(cluster: Record<string, unknown>): StrategyOptions {
  const errors: ErrorDetail[] = [];
  const strategy = normalizeStrategy(cluster['strategy']);
  const intAtLeast = (key: string, min: number, fallback: number): number => {
    const raw = cluster[key];
    if (raw === undefined || raw === null || raw === '') return fallback;
    const n = num(raw);
    if (n === undefined || !Number.isInteger(n) || n < min) {
      errors.push({ pointer: `/${key}`, message: `must be an integer >= ${min}` });
      return fallback;
    }
    return n;
  };
  const maxRemainingAsgs = intAtLeast('maxRemainingAsgs', 0, 0);
  const delayBeforeDisableSec = intAtLeast('delayBeforeDisableSec', 0, 0);
  const delayBeforeScaleDownSec = intAtLeast('delayBeforeScaleDownSec', 0, 0);
  const delayBetweenStepsSec = intAtLeast('delayBetweenStepsSec', 0, 0);
  const pct = intAtLeast('targetHealthyDeployPercentage', 0, 100);
  if (pct > 100) errors.push({ pointer: '/targetHealthyDeployPercentage', message: 'must be between 0 and 100' });
  let targetPercentages = [100];
  if (strategy === 'rollingredblack') {
    const raw = cluster['targetPercentages'];
    if (raw !== undefined) {
      if (!Array.isArray(raw) || raw.length === 0) errors.push({ pointer: '/targetPercentages', message: 'must be a non-empty list of percentages' });
      else {
        const list = raw.map((v) => num(v));
        list.forEach((v, i) => {
          if (v === undefined || v <= 0 || v > 100) errors.push({ pointer: `/targetPercentages/${i}`, message: 'must be a percentage in (0, 100]' });
          else if (i > 0 && v <= (list[i - 1] ?? 0)) errors.push({ pointer: `/targetPercentages/${i}`, message: 'percentages must increase' });
        });
        if (list.every((v) => v !== undefined)) targetPercentages = list as number[];
      }
    }
    // Like Orca, a rolling deploy always ends at full capacity.
    if (targetPercentages[targetPercentages.length - 1] !== 100) targetPercentages = [...targetPercentages, 100];
  }
  const rollback = cluster['rollback'];
  const rollbackOnFailure = typeof rollback === 'object' && rollback !== null && (rollback as Record<string, unknown>)['onFailure'] === true;
  if (errors.length > 0) throw new InputError(`invalid strategy options: ${errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`, errors);
  return {
    strategy,
    maxRemainingAsgs,
    scaleDown: cluster['scaleDown'] === true,
    delayBeforeDisableSec,
    delayBeforeScaleDownSec,
    rollbackOnFailure,
    targetHealthyDeployPercentage: pct,
    targetPercentages,
    delayBetweenStepsSec,
    judgmentBetweenSteps: cluster['judgmentBetweenSteps'] === true,
  };
}

/**
 * One step of what a strategy does after the new group exists (Orca's strategy flows). The
 * stage turns each into a synthetic stage; `lockHeld` steps run under the deploy's cluster lock.
 */
export type StrategyStep =
  | { kind: 'wait'; seconds: number; name: string }
  | { kind: 'judgment'; name: string; instructions: string }
  | { kind: 'rollingStep'; percentage: number; index: number }
  | { kind: 'disableCluster'; remainingEnabledServerGroups: number }
  | { kind: 'scaleDownCluster'; remainingFullSizeServerGroups: number }
  | { kind: 'shrinkCluster'; shrinkToSize: number; allowDeleteActive: boolean };

/**
 * What runs after "create the new group and wait for it" (or, for rolling red/black, after
 * "create it empty"). The old groups are disabled only after the new one passed its health wait,
 * which is why every strategy that disables comes after that wait.
 */
export function strategySteps(o: StrategyOptions): StrategyStep[] {
  switch (o.strategy) {
    case 'none':
      return [];
    case 'highlander':
      // Highlander: there can be only one. Every other group is destroyed once the new one is up.
      return [{ kind: 'shrinkCluster', shrinkToSize: 1, allowDeleteActive: true }];
    case 'redblack':
    case 'rollingredblack': {
      const steps: StrategyStep[] = [];
      if (o.strategy === 'rollingredblack') {
        o.targetPercentages.forEach((percentage, index) => {
          if (index > 0 && o.delayBetweenStepsSec > 0) steps.push({ kind: 'wait', seconds: o.delayBetweenStepsSec, name: `Wait before the ${percentage}% step` });
          if (index > 0 && o.judgmentBetweenSteps) {
            steps.push({ kind: 'judgment', name: `Continue to ${percentage}%?`, instructions: `The new server group serves ${o.targetPercentages[index - 1]}% of the target capacity. Continue to ${percentage}%?` });
          }
          steps.push({ kind: 'rollingStep', percentage, index });
        });
      }
      if (o.delayBeforeDisableSec > 0) steps.push({ kind: 'wait', seconds: o.delayBeforeDisableSec, name: 'Wait before disable' });
      steps.push({ kind: 'disableCluster', remainingEnabledServerGroups: 1 });
      if (o.scaleDown) {
        if (o.delayBeforeScaleDownSec > 0) steps.push({ kind: 'wait', seconds: o.delayBeforeScaleDownSec, name: 'Wait before scale down' });
        steps.push({ kind: 'scaleDownCluster', remainingFullSizeServerGroups: 1 });
      }
      if (o.maxRemainingAsgs > 0) steps.push({ kind: 'shrinkCluster', shrinkToSize: o.maxRemainingAsgs, allowDeleteActive: false });
      return steps;
    }
  }
}

/** Capacity of the new group at a rolling step: the share of the target, rounded up. */
export function rollingStepCapacity(target: Capacity, percentage: number): Capacity {
  const desired = Math.ceil((target.desired * percentage) / 100);
  return { min: Math.min(target.min, desired), max: target.max, desired };
}

/** Traffic weights at a rolling step: the new group gets its share, the others split the rest. */
export function rollingStepWeights(newGroup: string, others: readonly string[], percentage: number): Record<string, number> {
  const weights: Record<string, number> = { [newGroup]: percentage };
  const rest = others.filter((o) => o !== newGroup);
  for (const o of rest) weights[o] = (100 - percentage) / rest.length;
  return weights;
}

/** The order in which cluster-wide operations keep groups: protected ones first, then newer (or larger). */
function keepOrder(groups: readonly ServerGroup[], preferLarger: boolean, protect: readonly string[]): ServerGroup[] {
  const sorted = preferLarger ? largestFirst(groups) : newestFirst(groups);
  return [...sorted.filter((g) => protect.includes(g.name)), ...sorted.filter((g) => !protect.includes(g.name))];
}

/**
 * disableCluster: keeps the first `remaining` enabled groups (protected, then newest or largest)
 * and disables the other enabled ones.
 */
export function groupsToDisable(
  groups: readonly ServerGroup[],
  o: { remainingEnabledServerGroups: number; preferLargerOverNewer?: boolean; protect?: readonly string[] },
): ServerGroup[] {
  const enabled = keepOrder(groups.filter((g) => g.enabled), o.preferLargerOverNewer === true, o.protect ?? []);
  return enabled.slice(Math.max(0, o.remainingEnabledServerGroups)).filter((g) => !(o.protect ?? []).includes(g.name));
}

/**
 * scaleDownCluster: keeps the first `remaining` groups at full size; resizes the others with
 * instances to 0, disabled ones only unless `allowScaleDownActive`.
 */
export function groupsToScaleDown(
  groups: readonly ServerGroup[],
  o: { remainingFullSizeServerGroups: number; preferLargerOverNewer?: boolean; allowScaleDownActive?: boolean; protect?: readonly string[] },
): ServerGroup[] {
  const ordered = keepOrder(groups, o.preferLargerOverNewer === true, o.protect ?? []);
  return ordered
    .slice(Math.max(0, o.remainingFullSizeServerGroups))
    .filter((g) => !(o.protect ?? []).includes(g.name))
    .filter((g) => o.allowScaleDownActive === true || !g.enabled)
    .filter((g) => g.capacity.desired > 0 || g.capacity.min > 0);
}

/**
 * shrinkCluster: keeps the first `shrinkToSize` groups (protected, then newest or largest);
 * destroys the others, disabled ones only unless `allowDeleteActive`.
 */
export function groupsToShrink(
  groups: readonly ServerGroup[],
  o: { shrinkToSize: number; retainLargerOverNewer?: boolean; allowDeleteActive?: boolean; protect?: readonly string[] },
): ServerGroup[] {
  const ordered = keepOrder(groups, o.retainLargerOverNewer === true, o.protect ?? []);
  return ordered
    .slice(Math.max(0, o.shrinkToSize))
    .filter((g) => !(o.protect ?? []).includes(g.name))
    .filter((g) => o.allowDeleteActive === true || !g.enabled);
}

export type RollbackAction =
  | { kind: 'resize'; serverGroup: string; capacity: Capacity }
  | { kind: 'enable'; serverGroup: string }
  | { kind: 'disable'; serverGroup: string }
  | { kind: 'destroy'; serverGroup: string };

/**
 * What to do when a deploy failed after creating `newGroup`: put back what the deploy disabled or
 * scaled down (so the old version serves again), then destroy the new group (`rollback.onFailure`)
 * or only disable it. The new group is never disabled when that would leave the cluster with no
 * enabled group: a half-finished deploy that still serves beats an outage.
 */
export function failedDeployRollback(
  groups: readonly ServerGroup[],
  newGroup: string,
  touched: { disabled: readonly string[]; scaledDown: ReadonlyArray<{ name: string; capacity: Capacity }> },
  destroyOnFailure: boolean,
): RollbackAction[] {
  const actions: RollbackAction[] = [];
  const byName = new Map(groups.map((g) => [g.name, g]));
  const created = byName.get(newGroup);
  for (const s of touched.scaledDown) {
    const g = byName.get(s.name);
    if (g && g.capacity.desired < s.capacity.desired) actions.push({ kind: 'resize', serverGroup: s.name, capacity: s.capacity });
  }
  for (const name of touched.disabled) {
    const g = byName.get(name);
    if (g && !g.enabled) actions.push({ kind: 'enable', serverGroup: name });
  }
  if (!created) return actions;
  const othersServing = groups.some((g) => g.name !== newGroup && (g.enabled || touched.disabled.includes(g.name)));
  if (destroyOnFailure) {
    if (othersServing || !created.enabled) actions.push({ kind: 'destroy', serverGroup: newGroup });
  } else if (created.enabled && othersServing) {
    actions.push({ kind: 'disable', serverGroup: newGroup });
  }
  return actions;
}

/**
 * rollbackCluster / rollbackServerGroup: the group to restore when rolling back `current`: the
 * newest older group of the cluster (Orca's explicit rollback to the previous server group).
 */
export function rollbackRestoreTarget(groups: readonly ServerGroup[], current: ServerGroup): ServerGroup | null {
  return newestFirst(groups).find((g) => g.name !== current.name && g.createdTime <= current.createdTime) ?? null;
}

/**
 * Steps of a rollback from `current` to `restore`: size the restore group like the current one
 * if it is smaller, enable it, (wait for it,) then disable the current one.
 */
export function rollbackPlan(current: ServerGroup, restore: ServerGroup): { resize: Capacity | null; enable: string; disable: string } {
  const resize =
    restore.capacity.desired < current.capacity.desired
      ? { min: Math.max(restore.capacity.min, current.capacity.min), max: Math.max(restore.capacity.max, current.capacity.max), desired: current.capacity.desired }
      : null;
  return { resize, enable: restore.name, disable: current.name };
}
