import { InputError, isPlainObject } from '@gennaker/common';
import type { TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import type { CloudDeps } from '../cloud-deps';
import { boolOf, numberOr } from '../stage-context.util';
import { applicationOf } from './cluster-ops.task';
import { requireCluster, stageTarget } from './task.util';

const COMPARISONS: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '>=': (a, b) => a >= b,
  '>': (a, b) => a > b,
};

/**
 * checkPreconditions of type clusterSize (Orca's ClusterSizePreconditionTask): the number of
 * server groups of a cluster in each region compared with `expected`.
 */
export function clusterSizePreconditionTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'precondition:clusterSize',
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      const raw = input.stage.context['context'];
      const ctx = isPlainObject(raw) ? raw : {};
      const { provider, account, regions } = stageTarget(deps, ctx, '/context');
      const cluster = requireCluster(ctx, '/context');
      const comparison = typeof ctx['comparison'] === 'string' ? ctx['comparison'] : '==';
      const compare = COMPARISONS[comparison];
      if (!compare) throw new InputError(`unknown comparison ${comparison}`, [{ pointer: '/context/comparison', message: `must be one of ${Object.keys(COMPARISONS).join(' ')}` }]);
      const expected = numberOr(ctx['expected'], 1);
      const onlyEnabled = boolOf(ctx['onlyEnabledServerGroups']);
      const failures: string[] = [];
      const sizes: Record<string, number> = {};
      for (const region of regions) {
        const groups = (await provider.listServerGroups(account, region, { application: applicationOf(cluster), cluster })).filter((g) => g.cluster === cluster && (!onlyEnabled || g.enabled));
        sizes[region] = groups.length;
        if (!compare(groups.length, expected)) failures.push(`${region} has ${groups.length}`);
      }
      if (failures.length > 0) {
        return { status: 'TERMINAL', context: { clusterSizes: sizes }, error: { message: `precondition failed: cluster ${cluster} should have ${comparison} ${expected} ${onlyEnabled ? 'enabled ' : ''}server groups, but ${failures.join(', ')}` } };
      }
      return { status: 'SUCCEEDED', context: { clusterSizes: sizes } };
    },
  };
}
