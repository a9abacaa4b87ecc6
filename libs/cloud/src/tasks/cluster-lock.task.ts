import { InputError } from '@gennaker/common';
import type { TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import { DEFAULT_LOCK_TTL_MS, type CloudDeps } from '../cloud-deps';
import { accountOf, clusterOf, lockKey, lockOwner, regionsOf, stringList } from '../stage-context.util';

/**
 * The lock keys of a stage: given by its parent (`clusterLockKeys`), else one per region of its
 * account and cluster. Sorted, so two stages locking several keys cannot deadlock.
 */
export function lockKeysOf(ctx: Record<string, unknown>): string[] {
  const given = stringList(ctx['clusterLockKeys']);
  if (given.length > 0) return [...new Set(given)].sort();
  const account = accountOf(ctx);
  const cluster = clusterOf(ctx);
  if (!account || !cluster) return [];
  return [...new Set(regionsOf(ctx).map((r) => lockKey(account, r, cluster)))].sort();
}

/**
 * Renews the stage's cluster locks (tasks under a lock call this before changing the cluster).
 * Null when held; else why not, and the task must not touch the cluster.
 */
export async function renewLocks(deps: CloudDeps, input: TaskInput): Promise<string | null> {
  const ctx = input.stage.context;
  if (ctx['skipClusterLock'] === true) return null;
  for (const key of lockKeysOf(ctx)) {
    const r = await deps.lock.acquire(key, lockOwner(input), deps.lockTtlMs ?? DEFAULT_LOCK_TTL_MS);
    if (!r.acquired) return `lost the lock of cluster ${key} to ${r.holder ?? 'another execution'} (its lease ran out)`;
  }
  return null;
}

export function lockLost(message: string): TaskResult {
  return { status: 'TERMINAL', error: { message, code: 'CONFLICT' } };
}

/**
 * Waits until this execution holds the lock of every cluster the stage changes. While another
 * execution holds one, the stage says so in its context and polls: two executions never change one
 * cluster at once. Leases expire, and the lock of an execution that ended is free.
 */
export function acquireClusterLockTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'acquireClusterLock',
    queue: 'cloud',
    backoffMs: () => 2_000,
    async execute(input: TaskInput): Promise<TaskResult> {
      const keys = lockKeysOf(input.stage.context);
      if (keys.length === 0) {
        throw new InputError('cannot tell which cluster this stage changes (account, cluster and region are needed)', [
          { pointer: '/cluster', message: 'required' },
        ]);
      }
      for (const key of keys) {
        const r = await deps.lock.acquire(key, lockOwner(input), deps.lockTtlMs ?? DEFAULT_LOCK_TTL_MS);
        if (!r.acquired) {
          const previous = input.stage.context['waitingForClusterLock'] as { since?: number } | undefined;
          return {
            status: 'RUNNING',
            context: {
              waitingForClusterLock: {
                key,
                holder: r.holder ?? null,
                since: previous?.since ?? input.now,
                message: `waiting for cluster ${key}: execution ${r.holder ?? '?'} is changing it`,
              },
            },
          };
        }
      }
      return { status: 'SUCCEEDED', context: { clusterLockKeys: keys, waitingForClusterLock: null, clusterLockAcquiredAt: input.now } };
    },
  };
}

/** Releases the stage's cluster locks (only if this execution holds them). */
export function releaseClusterLockTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'releaseClusterLock',
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      for (const key of lockKeysOf(input.stage.context)) await deps.lock.release(key, lockOwner(input));
      return { status: 'SUCCEEDED', context: { clusterLockReleasedAt: input.now } };
    },
  };
}
