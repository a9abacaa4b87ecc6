import type { TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import type { CloudDeps } from '../cloud-deps';
import { groupHealth } from '../cluster.util';
import type { Capacity } from '../provider.port';
import { failedDeployRollback, type RollbackAction } from '../strategy.util';
import { lockLost, renewLocks } from './cluster-lock.task';
import { applicationOf } from './cluster-ops.task';
import { parentStage, pollMs, requireCluster, stageTarget } from './task.util';

interface Planned {
  region: string;
  name: string;
  capacity?: Capacity;
}

/**
 * On a failed deploy: puts back what the deploy disabled or scaled down, then destroys
 * (`rollback.onFailure`) or disables the new group, and waits for the restored groups to be up.
 * Records its actions before taking them, so a retry neither repeats nor forgets any.
 */
export function rollbackFailedDeployTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'rollbackFailedDeploy',
    queue: 'cloud',
    timeoutMs: () => 1_800_000,
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      const parent = parentStage(input);
      const newName = parent?.context['serverGroupName'];
      if (!parent || typeof newName !== 'string') return { status: 'SUCCEEDED', context: { rollbackActions: [], note: 'no server group was created' } };
      const { provider, account, regions } = stageTarget(deps, ctx);
      const region = regions[0] as string;
      const cluster = requireCluster(ctx);
      // The lease may have run out while the deploy failed: then another execution owns the cluster.
      const lost = await renewLocks(deps, input);
      if (lost) return lockLost(`not rolling back: ${lost}`);

      let actions = ctx['rollbackActions'] as RollbackAction[] | undefined;
      if (!actions) {
        const siblings = input.execution.stages.filter((s) => s.parentStageId === parent.id);
        const planned = (type: string): Planned[] =>
          siblings.filter((s) => s.type === type).flatMap((s) => (s.context[`${type}Planned`] as Planned[] | undefined) ?? []).filter((p) => p.region === region);
        const groups = (await provider.listServerGroups(account, region, { application: applicationOf(cluster), cluster })).filter((g) => g.cluster === cluster);
        actions = failedDeployRollback(
          groups,
          newName,
          {
            disabled: planned('disableCluster').map((p) => p.name),
            scaledDown: planned('scaleDownCluster').filter((p) => p.capacity).map((p) => ({ name: p.name, capacity: p.capacity as Capacity })),
          },
          ctx['destroyOnFailure'] === true,
        );
        return { status: 'RUNNING', backoffMs: 0, context: { rollbackActions: actions } };
      }

      if (ctx['rollbackApplied'] !== true) {
        for (const a of actions) {
          switch (a.kind) {
            case 'resize':
              await provider.resizeServerGroup(account, region, a.serverGroup, a.capacity);
              break;
            case 'enable':
              await provider.enableServerGroup(account, region, a.serverGroup);
              break;
            case 'disable':
              await provider.disableServerGroup(account, region, a.serverGroup);
              break;
            case 'destroy':
              await provider.disableServerGroup(account, region, a.serverGroup).catch(() => undefined);
              await provider.destroyServerGroup(account, region, a.serverGroup);
              break;
          }
        }
        return { status: 'RUNNING', backoffMs: 0, context: { rollbackApplied: true } };
      }

      // Restored groups must serve again before the deploy reports its failure.
      const restored = [...new Set(actions.filter((a) => a.kind === 'enable' || a.kind === 'resize').map((a) => a.serverGroup))];
      for (const name of restored) {
        const g = await provider.getServerGroup(account, region, name);
        if (!g) continue;
        const verdict = groupHealth(g, 100);
        if (!verdict.healthy) return { status: 'RUNNING', backoffMs: pollMs(provider), context: { waitingForRestore: `${name}: ${verdict.reason}` } };
      }
      return { status: 'SUCCEEDED', context: { waitingForRestore: null }, outputs: { rolledBack: { serverGroup: newName, region, actions } } };
    },
  };
}
