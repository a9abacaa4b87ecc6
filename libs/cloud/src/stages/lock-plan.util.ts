import type { StagePlan, SyntheticStageSpec, TaskSpec } from '@gennaker/engine';

const acquire: TaskSpec = { name: 'acquireClusterLock', type: 'acquireClusterLock' };
const release: TaskSpec = { name: 'releaseClusterLock', type: 'releaseClusterLock' };

/**
 * A cluster stage's tasks under the cluster lock: acquired first and released last, unless a
 * parent stage (a deploy) holds it for the whole of its work.
 */
export function lockedTasks(ctx: Record<string, unknown>, tasks: TaskSpec[]): StagePlan {
  if (ctx['lockHeldByParent'] === true) return { tasks };
  return { tasks: [acquire, ...tasks, release] };
}

/** On failure, a stage that took the lock gives it back (the lease would free it, later). */
export function releaseOnFailure(ctx: Record<string, unknown>): SyntheticStageSpec[] {
  if (ctx['lockHeldByParent'] === true) return [];
  return [releaseLockStage(ctx)];
}

export function releaseLockStage(ctx: Record<string, unknown>): SyntheticStageSpec {
  return {
    type: 'releaseClusterLock',
    name: 'Release cluster lock',
    context: {
      credentials: ctx['credentials'] ?? ctx['account'],
      regions: ctx['regions'] ?? (ctx['region'] !== undefined ? [ctx['region']] : undefined),
      cluster: ctx['cluster'],
      serverGroupName: ctx['serverGroupName'],
      clusterLockKeys: ctx['clusterLockKeys'],
    },
  };
}
