import type { TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import type { CloudDeps } from '../cloud-deps';
import { groupHealth } from '../cluster.util';
import { parseName } from '../frigga.util';
import type { Capacity, CloudProvider, ServerGroup } from '../provider.port';
import { boolOf, numberOr } from '../stage-context.util';
import { groupsToDisable, groupsToScaleDown, groupsToShrink } from '../strategy.util';
import { lockLost, renewLocks } from './cluster-lock.task';
import { protectedGroups, requireCluster, stageTarget } from './task.util';

interface Planned {
  region: string;
  name: string;
  capacity?: Capacity;
}

type Decide = (groups: ServerGroup[], ctx: Record<string, unknown>, protect: string[]) => ServerGroup[];

/**
 * A cluster-wide operation in two steps, so that a retry never loses track: the first run records
 * which groups it will change (and their capacity before), the next one changes them. What was
 * recorded is what the deploy's rollback puts back.
 */
function clusterOperationTask(
  deps: CloudDeps,
  type: string,
  outputKey: string,
  decide: Decide,
  act: (provider: CloudProvider, account: string, p: Planned) => Promise<void>,
  guard?: (provider: CloudProvider, account: string, region: string, input: TaskInput, protect: string[]) => Promise<string | null>,
): TaskImplementation {
  const plannedKey = `${type}Planned`;
  return {
    type,
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      const { provider, account, regions } = stageTarget(deps, ctx);
      const cluster = requireCluster(ctx);
      const lost = await renewLocks(deps, input);
      if (lost) return lockLost(lost);
      const protect = protectedGroups(input);
      const recorded = ctx[plannedKey] as Planned[] | undefined;
      if (!recorded) {
        const planned: Planned[] = [];
        for (const region of regions) {
          if (guard) {
            const refusal = await guard(provider, account, region, input, protect);
            if (refusal) return { status: 'TERMINAL', error: { message: refusal } };
          }
          const groups = (await provider.listServerGroups(account, region, { application: applicationOf(cluster), cluster })).filter((g) => g.cluster === cluster);
          for (const g of decide(groups, ctx, protect)) planned.push({ region, name: g.name, capacity: g.capacity });
        }
        // Recorded first; acted on in the next run (at once).
        return { status: 'RUNNING', backoffMs: 0, context: { [plannedKey]: planned } };
      }
      for (const p of recorded) await act(provider, account, p);
      return {
        status: 'SUCCEEDED',
        outputs: { [outputKey]: recorded.map((p) => ({ serverGroupName: p.name, region: p.region, account, ...(p.capacity ? { capacity: p.capacity } : {}) })) },
      };
    },
  };
}

export function applicationOf(cluster: string): string {
  return parseName(cluster)?.application ?? (cluster.split('-')[0] as string);
}

/** The new group (protected) must still be healthy before anything else is disabled. */
async function newGroupHealthy(provider: CloudProvider, account: string, region: string, input: TaskInput, protect: string[]): Promise<string | null> {
  const pct = input.stage.context['targetHealthyDeployPercentage'];
  if (pct === undefined) return null;
  for (const name of protect) {
    const g = await provider.getServerGroup(account, region, name);
    if (!g) return `refusing to disable the cluster: the new server group ${name} does not exist`;
    const verdict = groupHealth(g, numberOr(pct, 100));
    if (!verdict.healthy) return `refusing to disable the older server groups: the new one (${name}) is not healthy: ${verdict.reason}`;
  }
  return null;
}

export function disableClusterTask(deps: CloudDeps): TaskImplementation {
  return clusterOperationTask(
    deps,
    'disableCluster',
    'disabledServerGroups',
    (groups, ctx, protect) =>
      groupsToDisable(groups, {
        remainingEnabledServerGroups: numberOr(ctx['remainingEnabledServerGroups'], 1),
        preferLargerOverNewer: boolOf(ctx['preferLargerOverNewer']),
        protect,
      }),
    (provider, account, p) => provider.disableServerGroup(account, p.region, p.name),
    newGroupHealthy,
  );
}

export function scaleDownClusterTask(deps: CloudDeps): TaskImplementation {
  return clusterOperationTask(
    deps,
    'scaleDownCluster',
    'scaledDownServerGroups',
    (groups, ctx, protect) =>
      groupsToScaleDown(groups, {
        remainingFullSizeServerGroups: numberOr(ctx['remainingFullSizeServerGroups'], 1),
        preferLargerOverNewer: boolOf(ctx['preferLargerOverNewer']),
        allowScaleDownActive: boolOf(ctx['allowScaleDownActive']),
        protect,
      }),
    (provider, account, p) => provider.resizeServerGroup(account, p.region, p.name, { min: 0, max: p.capacity?.max ?? 0, desired: 0 }),
  );
}

export function shrinkClusterTask(deps: CloudDeps): TaskImplementation {
  return clusterOperationTask(
    deps,
    'shrinkCluster',
    'destroyedServerGroups',
    (groups, ctx, protect) =>
      groupsToShrink(groups, {
        shrinkToSize: numberOr(ctx['shrinkToSize'], 1),
        retainLargerOverNewer: boolOf(ctx['retainLargerOverNewer']),
        allowDeleteActive: boolOf(ctx['allowDeleteActive']),
        protect,
      }),
    async (provider, account, p) => {
      // Out of its load balancers first, so no request is cut off by the destroy.
      await provider.disableServerGroup(account, p.region, p.name).catch(() => undefined);
      await provider.destroyServerGroup(account, p.region, p.name);
    },
  );
}
