import { InputError, isPlainObject } from '@gennaker/common';
import type { TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import { readCapacity } from '../capacity.util';
import type { CloudDeps } from '../cloud-deps';
import { groupHealth, newestFirst } from '../cluster.util';
import { resolveImage, serverGroupSpec } from '../deploy-spec.util';
import { nextSequence, parseName, serverGroupName } from '../frigga.util';
import type { Capacity, ImageRef } from '../provider.port';
import { boolOf, numberOr } from '../stage-context.util';
import { strategyOptions } from '../strategy.util';
import { lockLost, renewLocks } from './cluster-lock.task';
import { pollMs, requireCluster, stageTarget } from './task.util';

const base = (ctx: Record<string, unknown>): string => (typeof ctx['pointerBase'] === 'string' ? ctx['pointerBase'] : '');

/** Rethrows input errors with the pointer of the deploy stage's cluster entry. */
function withBase<T>(ctx: Record<string, unknown>, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const b = base(ctx);
    if (err instanceof InputError && b !== '') throw new InputError(err.message, err.details.map((d) => ({ pointer: d.pointer.startsWith(b) ? d.pointer : `${b}${d.pointer}`, message: d.message })));
    throw err;
  }
}

/**
 * Checks the cluster's inputs, resolves image and capacity, and records the name of the group to
 * create (Frigga: newest version + 1, past taken slots) in the stage before anything is created.
 * A retry finds the recorded name; the next task finds the group if it was created already.
 */
export function determineServerGroupNameTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'determineServerGroupName',
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      if (typeof ctx['serverGroupName'] === 'string' && ctx['serverGroupName'] !== '') return { status: 'SUCCEEDED' };
      const { provider, account, regions } = withBase(ctx, () => stageTarget(deps, ctx));
      const region = regions[0] as string;
      const cluster = requireCluster(ctx);
      const options = withBase(ctx, () => strategyOptions(ctx));
      const lost = await renewLocks(deps, input);
      if (lost) return lockLost(lost);

      const groups = await provider.listServerGroups(account, region, { application: String(ctx['application']), cluster });
      const inCluster = groups.filter((g) => g.cluster === cluster);
      const current = newestFirst(inCluster.filter((g) => g.enabled))[0] ?? null;

      const capacity = withBase(ctx, () => targetCapacity(ctx, current?.capacity ?? null));
      let image: ImageRef = withBase(ctx, () => resolveImage(ctx, region, provider.type, input.lookup('deploymentDetails')));
      if (image.id === '' && image.name) {
        const found = await provider.findImages(account, region, { name: image.name });
        const newest = [...found].sort((a, b) => b.createdTime - a.createdTime)[0];
        if (!newest) throw new InputError(`no image named "${image.name}" in ${account}/${region}`, [{ pointer: `${base(ctx)}/${ctx['amiName'] !== undefined ? 'amiName' : 'imageName'}`, message: 'no such image' }]);
        image = { id: newest.id, name: newest.name };
      }

      let sequence: number;
      try {
        sequence = nextSequence(inCluster.map((g) => ({ sequence: g.sequence ?? parseName(g.name)?.sequence ?? null, createdTime: g.createdTime })));
      } catch (err) {
        return { status: 'TERMINAL', error: { message: (err as Error).message } };
      }
      const name = serverGroupName(cluster, sequence);
      // A rolling red/black starts empty and grows step by step.
      const initial: Capacity = options.strategy === 'rollingredblack' ? { min: 0, max: capacity.max, desired: 0 } : capacity;
      return {
        status: 'SUCCEEDED',
        context: {
          serverGroupName: name,
          account,
          region,
          targetCapacity: capacity,
          initialCapacity: initial,
          image,
          sourceServerGroup: current?.name ?? null,
          previousServerGroups: inCluster.map((g) => ({ name: g.name, enabled: g.enabled, capacity: g.capacity })),
        },
      };
    },
  };
}

/** `capacity`, or the current group's with `useSourceCapacity`, or Kubernetes-style `targetSize`. */
export function targetCapacity(ctx: Record<string, unknown>, source: Capacity | null): Capacity {
  if ((boolOf(ctx['useSourceCapacity']) || boolOf(ctx['preferSourceCapacity'])) && source) return { ...source };
  if (ctx['capacity'] !== undefined && !(isPlainObject(ctx['capacity']) && Object.keys(ctx['capacity']).length === 0)) return readCapacity(ctx['capacity'], '/capacity');
  if (ctx['targetSize'] !== undefined) {
    const n = numberOr(ctx['targetSize'], -1);
    if (!Number.isInteger(n) || n < 0) throw new InputError('targetSize must be an integer >= 0', [{ pointer: '/targetSize', message: 'must be an integer >= 0' }]);
    return { min: n, max: n, desired: n };
  }
  if (boolOf(ctx['useSourceCapacity'])) throw new InputError('useSourceCapacity is set but the cluster has no server group to copy it from, and no capacity is given', [{ pointer: '/capacity', message: 'required when the cluster is empty' }]);
  throw new InputError('capacity {min, max, desired} is required', [{ pointer: '/capacity', message: 'required' }]);
}

/** Creates the recorded group, or finds it when a previous attempt created it already. */
export function createServerGroupTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'createServerGroup',
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      const name = ctx['serverGroupName'];
      if (typeof name !== 'string') return { status: 'TERMINAL', error: { message: 'no server group name was recorded' } };
      const { provider, account, regions } = withBase(ctx, () => stageTarget(deps, ctx));
      const region = regions[0] as string;
      const lost = await renewLocks(deps, input);
      if (lost) return lockLost(lost);
      const existing = await provider.getServerGroup(account, region, name);
      if (!existing) {
        const spec = serverGroupSpec({ cluster: ctx, region, name, image: ctx['image'] as ImageRef, capacity: ctx['initialCapacity'] as Capacity });
        await provider.createServerGroup(spec);
      }
      const cluster = requireCluster(ctx);
      return {
        status: 'SUCCEEDED',
        context: { serverGroupCreated: true, foundExisting: existing !== null },
        outputs: {
          deployedServerGroups: [
            {
              serverGroup: name,
              serverGroupName: name,
              region,
              account,
              cluster,
              application: ctx['application'],
              cloudProvider: provider.type,
              // The group it replaces (a canary's natural control), null for a first deploy.
              sourceServerGroup: (ctx['sourceServerGroup'] as string | null | undefined) ?? null,
            },
          ],
          'deploy.account.name': account,
        },
      };
    },
  };
}

/**
 * Polls until the group has `targetHealthyDeployPercentage` of its desired instances up (and in
 * service in each of its load balancers). The stage's timeout ends the wait; so does this task's
 * own (`waitForUpInstancesTimeoutSec`, default 30 minutes).
 */
export function waitForUpInstancesTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'waitForUpInstances',
    queue: 'cloud',
    timeoutMs: (input) => numberOr(input.stage.context['waitForUpInstancesTimeoutSec'], 1800) * 1000,
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      const name = (ctx['serverGroupName'] as string | undefined) ?? (input.lookup('serverGroupName') as string | undefined);
      if (typeof name !== 'string') return { status: 'TERMINAL', error: { message: 'no server group to wait for' } };
      const { provider, account, regions } = withBase(ctx, () => stageTarget(deps, ctx));
      const lost = await renewLocks(deps, input);
      if (lost) return lockLost(lost);
      const group = await provider.getServerGroup(account, regions[0] as string, name);
      if (!group) return { status: 'TERMINAL', error: { message: `server group ${name} no longer exists` } };
      const verdict = groupHealth(group, numberOr(ctx['targetHealthyDeployPercentage'], 100));
      if (verdict.healthy) return { status: 'SUCCEEDED', context: { waitingForUpInstances: null, upInstances: verdict.up } };
      return { status: 'RUNNING', backoffMs: pollMs(provider), context: { waitingForUpInstances: verdict.reason, upInstances: verdict.up } };
    },
    async onTimeout(input: TaskInput): Promise<TaskResult | void> {
      const reason = input.stage.context['waitingForUpInstances'];
      return { status: 'TERMINAL', error: { message: `the new server group did not become healthy in time${typeof reason === 'string' ? `: ${reason}` : ''}` } };
    },
  };
}

/** The deploy stage's summary outputs, in Spinnaker's keys. */
export const summarizeDeployTask: TaskImplementation = {
  type: 'summarizeDeploy',
  queue: 'engine',
  async execute(input: TaskInput): Promise<TaskResult> {
    const children = input.execution.stages.filter((s) => s.parentStageId === input.stage.id && s.type === 'createServerGroup');
    const byRegion: Record<string, string[]> = {};
    let account: string | undefined;
    for (const c of children) {
      const name = c.context['serverGroupName'];
      const region = c.context['region'];
      if (typeof name !== 'string' || typeof region !== 'string') continue;
      (byRegion[region] ??= []).push(name);
      if (typeof c.context['account'] === 'string') account ??= c.context['account'];
    }
    return { status: 'SUCCEEDED', outputs: { 'deploy.server.groups': byRegion, ...(account ? { 'deploy.account.name': account } : {}) } };
  },
};
