import type { TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import type { CloudDeps } from '../cloud-deps';
import type { Capacity } from '../provider.port';
import { numberOr } from '../stage-context.util';
import { rollingStepCapacity, rollingStepWeights } from '../strategy.util';
import { lockLost, renewLocks } from './cluster-lock.task';
import { fromParent, requireCluster, stageTarget } from './task.util';

function newGroup(input: TaskInput): { name: string; target: Capacity } | null {
  const name = fromParent<string>(input, 'serverGroupName');
  const target = fromParent<Capacity>(input, 'targetCapacity');
  return typeof name === 'string' && target ? { name, target } : null;
}

/** Rolling red/black: grows the new group to this step's share of the target capacity. */
export function rollingResizeTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'rollingResize',
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      const g = newGroup(input);
      if (!g) return { status: 'TERMINAL', error: { message: 'the deploy recorded no new server group' } };
      const { provider, account, regions } = stageTarget(deps, ctx);
      const lost = await renewLocks(deps, input);
      if (lost) return lockLost(lost);
      const capacity = rollingStepCapacity(g.target, numberOr(ctx['percentage'], 100));
      await provider.resizeServerGroup(account, regions[0] as string, g.name, capacity);
      return { status: 'SUCCEEDED', context: { serverGroupName: g.name, capacity } };
    },
  };
}

/**
 * Rolling red/black: where the provider can weigh traffic, gives the new group this step's share
 * and the other enabled groups the rest; at 100% the weights are cleared (the old groups are
 * disabled next). Providers without weights split by healthy instances, which the resize did.
 */
export function rollingWeightsTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'rollingWeights',
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      const g = newGroup(input);
      if (!g) return { status: 'TERMINAL', error: { message: 'the deploy recorded no new server group' } };
      const { provider, account, regions } = stageTarget(deps, ctx);
      const region = regions[0] as string;
      if (!provider.setTrafficWeights) return { status: 'SUCCEEDED', context: { weights: 'by healthy instances (the provider has no traffic weights)' } };
      const lost = await renewLocks(deps, input);
      if (lost) return lockLost(lost);
      const group = await provider.getServerGroup(account, region, g.name);
      if (!group) return { status: 'TERMINAL', error: { message: `server group ${g.name} no longer exists` } };
      const percentage = numberOr(ctx['percentage'], 100);
      const cluster = requireCluster(ctx);
      const others = (await provider.listServerGroups(account, region, { application: group.application, cluster }))
        .filter((o) => o.enabled && o.name !== g.name)
        .map((o) => o.name);
      const applied: Record<string, Record<string, number>> = {};
      for (const lb of group.loadBalancers) {
        const weights = percentage >= 100 ? {} : rollingStepWeights(g.name, others, percentage);
        await provider.setTrafficWeights(account, region, lb, weights);
        applied[lb] = weights;
      }
      return { status: 'SUCCEEDED', context: { weights: applied } };
    },
  };
}
