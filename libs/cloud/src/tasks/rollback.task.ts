import { isPlainObject } from '@gennaker/common';
import type { TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import type { CloudDeps } from '../cloud-deps';
import { groupHealth, newestFirst } from '../cluster.util';
import { parseName } from '../frigga.util';
import type { Capacity } from '../provider.port';
import { numberOr } from '../stage-context.util';
import { rollbackPlan, rollbackRestoreTarget } from '../strategy.util';
import { lockLost, renewLocks } from './cluster-lock.task';
import { applicationOf } from './cluster-ops.task';
import { pollMs, requireCluster, stageTarget } from './task.util';

export interface RollbackTarget {
  region: string;
  /** The group rolled back (disabled at the end). */
  rollbackServerGroupName: string;
  /** The group that serves again. */
  restoreServerGroupName: string;
  resize: Capacity | null;
}

function targetsOf(input: TaskInput): RollbackTarget[] {
  return (input.stage.context['rollbackTargets'] as RollbackTarget[] | undefined) ?? [];
}

/**
 * Which group to roll back and which to restore, per region, recorded before anything changes:
 * `rollbackContext` names both (Spinnaker's EXPLICIT rollback); else the group rolled back is
 * `serverGroupName` or the cluster's newest, and the one restored the newest older one.
 */
export function determineRollbackTargetsTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'determineRollbackTargets',
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      if (Array.isArray(ctx['rollbackTargets'])) return { status: 'SUCCEEDED' };
      const { provider, account, regions } = stageTarget(deps, ctx);
      const explicit = isPlainObject(ctx['rollbackContext']) ? ctx['rollbackContext'] : {};
      const rollbackName = (explicit['rollbackServerGroupName'] ?? ctx['serverGroupName']) as string | undefined;
      const restoreName = explicit['restoreServerGroupName'] as string | undefined;
      const cluster = typeof rollbackName === 'string' ? (parseName(rollbackName)?.cluster ?? requireCluster(ctx)) : requireCluster(ctx);
      const targets: RollbackTarget[] = [];
      for (const region of regions) {
        const groups = (await provider.listServerGroups(account, region, { application: applicationOf(cluster), cluster })).filter((g) => g.cluster === cluster);
        const current = typeof rollbackName === 'string' ? groups.find((g) => g.name === rollbackName) : newestFirst(groups)[0];
        if (!current) return { status: 'TERMINAL', error: { message: `nothing to roll back: ${rollbackName ?? `cluster ${cluster}`} has no server group in ${account}/${region}` } };
        const restore = typeof restoreName === 'string' ? groups.find((g) => g.name === restoreName) : rollbackRestoreTarget(groups, current);
        if (!restore) return { status: 'TERMINAL', error: { message: `cannot roll back ${current.name} in ${region}: ${restoreName ? `${restoreName} does not exist` : 'the cluster has no older server group'}` } };
        const plan = rollbackPlan(current, restore);
        targets.push({ region, rollbackServerGroupName: current.name, restoreServerGroupName: restore.name, resize: plan.resize });
      }
      return { status: 'SUCCEEDED', context: { rollbackTargets: targets }, outputs: { rollbackTargets: targets.map((t) => ({ ...t, account })) } };
    },
  };
}

/** Sizes the restore group like the rolled-back one (if smaller) and puts it back in service. */
export function restoreServerGroupsTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'restoreServerGroups',
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      const { provider, account } = stageTarget(deps, input.stage.context);
      const lost = await renewLocks(deps, input);
      if (lost) return lockLost(lost);
      for (const t of targetsOf(input)) {
        if (t.resize) await provider.resizeServerGroup(account, t.region, t.restoreServerGroupName, t.resize);
        await provider.enableServerGroup(account, t.region, t.restoreServerGroupName);
      }
      return { status: 'SUCCEEDED' };
    },
  };
}

export function waitForRestoredUpTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'waitForRestoredUp',
    queue: 'cloud',
    timeoutMs: () => 1_800_000,
    async execute(input: TaskInput): Promise<TaskResult> {
      const { provider, account } = stageTarget(deps, input.stage.context);
      const lost = await renewLocks(deps, input);
      if (lost) return lockLost(lost);
      const pct = numberOr(input.stage.context['targetHealthyRollbackPercentage'], 100);
      for (const t of targetsOf(input)) {
        const g = await provider.getServerGroup(account, t.region, t.restoreServerGroupName);
        if (!g) return { status: 'TERMINAL', error: { message: `server group ${t.restoreServerGroupName} no longer exists` } };
        const verdict = groupHealth(g, pct);
        if (!verdict.healthy) return { status: 'RUNNING', backoffMs: pollMs(provider), context: { waitingForRestore: `${t.restoreServerGroupName}: ${verdict.reason}` } };
      }
      return { status: 'SUCCEEDED', context: { waitingForRestore: null } };
    },
  };
}

/** Last: the rolled-back group leaves its load balancers (it keeps running, for a quick undo). */
export function disableRolledBackTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'disableRolledBackServerGroups',
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      const { provider, account } = stageTarget(deps, input.stage.context);
      const lost = await renewLocks(deps, input);
      if (lost) return lockLost(lost);
      for (const t of targetsOf(input)) await provider.disableServerGroup(account, t.region, t.rollbackServerGroupName);
      return { status: 'SUCCEEDED' };
    },
  };
}
