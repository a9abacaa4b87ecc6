import type { TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import { resizedCapacity } from '../capacity.util';
import type { CloudDeps } from '../cloud-deps';
import { groupHealth, resolveTarget } from '../cluster.util';
import type { Capacity, CloudProvider } from '../provider.port';
import { lockLost, renewLocks } from './cluster-lock.task';
import { applicationOf } from './cluster-ops.task';
import { pollMs, requireCluster, stageTarget } from './task.util';

export interface TargetServerGroup {
  region: string;
  serverGroupName: string;
  /** Capacity when the stage looked (to report and to undo). */
  capacity?: Capacity;
}

function targetsOf(input: TaskInput): TargetServerGroup[] {
  return (input.stage.context['targetServerGroups'] as TargetServerGroup[] | undefined) ?? [];
}

/**
 * Resolves the stage's target (`serverGroupName`, or `target` within `cluster`) per region and
 * records it, so retries and later tasks act on the same group even if the cluster changes.
 */
export function determineTargetServerGroupsTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'determineTargetServerGroups',
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      if (Array.isArray(ctx['targetServerGroups'])) return { status: 'SUCCEEDED' };
      const { provider, account, regions } = stageTarget(deps, ctx);
      const explicit = ctx['serverGroupName'] ?? ctx['asgName'];
      const targets: TargetServerGroup[] = [];
      for (const region of regions) {
        if (typeof explicit === 'string' && explicit !== '') {
          const g = await provider.getServerGroup(account, region, explicit);
          targets.push({ region, serverGroupName: explicit, ...(g ? { capacity: g.capacity } : {}) });
          continue;
        }
        const cluster = requireCluster(ctx);
        const target = typeof ctx['target'] === 'string' ? ctx['target'] : 'current_asg_dynamic';
        const groups = (await provider.listServerGroups(account, region, { application: applicationOf(cluster), cluster })).filter((g) => g.cluster === cluster);
        const g = resolveTarget(groups, target);
        if (!g) {
          if (ctx['allowMissing'] === true) continue;
          return { status: 'TERMINAL', error: { message: `cluster ${cluster} has no ${target.replace(/_asg(_dynamic)?$/, '')} server group in ${account}/${region}` } };
        }
        targets.push({ region, serverGroupName: g.name, capacity: g.capacity });
      }
      return { status: 'SUCCEEDED', context: { targetServerGroups: targets }, outputs: { serverGroups: targets.map((t) => ({ ...t, account })) } };
    },
  };
}

function simpleOperation(
  deps: CloudDeps,
  type: string,
  act: (provider: CloudProvider, account: string, t: TargetServerGroup, input: TaskInput) => Promise<Record<string, unknown> | void>,
  options: { missingIsSuccess?: boolean } = {},
): TaskImplementation {
  return {
    type,
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      const { provider, account } = stageTarget(deps, input.stage.context);
      const lost = await renewLocks(deps, input);
      if (lost) return lockLost(lost);
      const results: Array<Record<string, unknown>> = [];
      for (const t of targetsOf(input)) {
        const g = await provider.getServerGroup(account, t.region, t.serverGroupName);
        if (!g) {
          if (options.missingIsSuccess) continue;
          return { status: 'TERMINAL', error: { message: `server group ${t.serverGroupName} does not exist in ${account}/${t.region}` } };
        }
        results.push({ serverGroupName: t.serverGroupName, region: t.region, ...((await act(provider, account, t, input)) ?? {}) });
      }
      return { status: 'SUCCEEDED', context: { [`${type}Results`]: results } };
    },
  };
}

export function resizeServerGroupTask(deps: CloudDeps): TaskImplementation {
  return simpleOperation(deps, 'resizeServerGroup', async (provider, account, t, input) => {
    const current = await provider.getServerGroup(account, t.region, t.serverGroupName);
    // The new size follows from the capacity recorded when the target was resolved, so a retry
    // of a relative resize (scale up by 2) does not add 2 more.
    const from = t.capacity ?? (current as { capacity: Capacity }).capacity;
    const capacity = resizedCapacity(from, input.stage.context);
    await provider.resizeServerGroup(account, t.region, t.serverGroupName, capacity);
    return { from, capacity };
  });
}

export function enableServerGroupTask(deps: CloudDeps): TaskImplementation {
  return simpleOperation(deps, 'enableServerGroup', (provider, account, t) => provider.enableServerGroup(account, t.region, t.serverGroupName));
}

export function disableServerGroupTask(deps: CloudDeps): TaskImplementation {
  return simpleOperation(deps, 'disableServerGroup', (provider, account, t) => provider.disableServerGroup(account, t.region, t.serverGroupName), {
    missingIsSuccess: true,
  });
}

export function destroyServerGroupTask(deps: CloudDeps): TaskImplementation {
  return simpleOperation(deps, 'destroyServerGroup', (provider, account, t) => provider.destroyServerGroup(account, t.region, t.serverGroupName), {
    missingIsSuccess: true,
  });
}

/** After a resize: every target has its desired instances up, and no more instances than desired. */
export function waitForCapacityTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'waitForCapacity',
    queue: 'cloud',
    timeoutMs: () => 1_800_000,
    async execute(input: TaskInput): Promise<TaskResult> {
      const { provider, account } = stageTarget(deps, input.stage.context);
      for (const t of targetsOf(input)) {
        const g = await provider.getServerGroup(account, t.region, t.serverGroupName);
        if (!g) return { status: 'TERMINAL', error: { message: `server group ${t.serverGroupName} no longer exists` } };
        const verdict = groupHealth(g, 100);
        if (!verdict.healthy || g.instances.length > g.capacity.desired) {
          return {
            status: 'RUNNING',
            backoffMs: pollMs(provider),
            context: { waitingForCapacity: `${t.serverGroupName}: ${verdict.up} up, ${g.instances.length} instances, desired ${g.capacity.desired}` },
          };
        }
      }
      return { status: 'SUCCEEDED', context: { waitingForCapacity: null } };
    },
  };
}

/** After a destroy: the targets are gone. */
export function waitForDestroyedTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'waitForDestroyedServerGroup',
    queue: 'cloud',
    timeoutMs: () => 1_800_000,
    async execute(input: TaskInput): Promise<TaskResult> {
      const { provider, account } = stageTarget(deps, input.stage.context);
      for (const t of targetsOf(input)) {
        if (await provider.getServerGroup(account, t.region, t.serverGroupName)) {
          return { status: 'RUNNING', backoffMs: pollMs(provider), context: { waitingForDestroy: t.serverGroupName } };
        }
      }
      return { status: 'SUCCEEDED', context: { waitingForDestroy: null } };
    },
  };
}
