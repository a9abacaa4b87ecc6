// The tasks of a canary's `deployments` block (Orca's DeployCanaryServerGroupsStage, over the
// cloud port): lock the baseline and canary clusters, record the plan (names, images, capacity,
// traffic split) before touching anything, set the traffic weights, create both groups, wait
// until both are healthy. Each task is idempotent and, if the execution is canceled while it
// runs, cleans up what the plan says may exist.

import { checkAccountRegion, groupHealth, lockKey, resolveImage, type CloudProvider, type CloudProviderRegistry, type ImageRef } from '@gennaker/cloud';
import { InputError, isPlainObject } from '@gennaker/common';
import type { TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import type { CanaryDeps } from '../canary-deps';
import { pairAccount, planCanaryDeployment, type CanaryDeploymentPlan } from './canary-deployments.util';
import { canaryStageOf } from './canary-execution.util';
import { loadCanaryConfig } from './canary-analysis.task';
import { readCanaryStage, type CanaryDeploymentsSettings, type CanaryPairSettings, type CanaryStageSettings } from './canary-stage-context.util';
import { cleanupCanaryNow } from './cleanup-canary.task';

const DEFAULT_LOCK_TTL_MS = 3_600_000;
const DEFAULT_WAIT_FOR_HEALTHY_MS = 30 * 60_000;

function requireCloud(deps: CanaryDeps): CloudProviderRegistry {
  if (!deps.cloud) throw new InputError('this installation has no cloud providers: a canary cannot deploy', [{ pointer: '/deployments', message: 'no cloud providers' }]);
  return deps.cloud;
}

function rebase(err: unknown, pointer: string): unknown {
  if (!(err instanceof InputError)) return err;
  return new InputError(err.message, err.details.map((d) => ({ pointer: `${pointer}${d.pointer}`, message: d.message })));
}

interface Target {
  stage: CanaryStageSettings;
  settings: CanaryDeploymentsSettings;
  pair: CanaryPairSettings;
  provider: CloudProvider;
  account: string;
  region: string;
}

/** The canary stage's deployments, the provider, account and region, checked. */
function target(deps: CanaryDeps, input: TaskInput): Target {
  const canary = canaryStageOf(input.execution, input.stage);
  if (!canary) throw new Error('a canary deployment stage must be planned by a canary stage');
  const { settings, errors } = readCanaryStage(canary.context, 'run');
  if (errors.length > 0 || !settings) throw new InputError(`the canary stage is invalid: ${errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`, errors);
  const d = settings.deployments;
  const pair = d?.pairs[0];
  if (!d || !pair) throw new InputError('the canary stage has no deployments', [{ pointer: '/deployments', message: 'required' }]);
  const cloud = requireCloud(deps);
  const account = pairAccount(d, pair);
  let accountRegions: string[] = [];
  try {
    accountRegions = cloud.account(account).regions;
  } catch (err) {
    throw rebase(err, `${d.pointer}/baseline`);
  }
  const plan = input.stage.context['canaryDeployment'];
  const region = isPlainObject(plan) && typeof plan['region'] === 'string' ? plan['region'] : pairRegionOf(d, pair, accountRegions);
  const { provider } = checkAccountRegion(cloud, account, region, { account: `${d.pointer}/baseline/account`, region: `${pair.controlPointer}/availabilityZones` });
  if (d.baseline.cloudProvider && d.baseline.cloudProvider !== provider.type) {
    throw new InputError(`account ${account} is a ${provider.type} account, not ${d.baseline.cloudProvider}`, [{ pointer: `${d.pointer}/baseline/cloudProvider`, message: `must be ${provider.type}` }]);
  }
  return { stage: settings, settings: d, pair, provider, account, region };
}

function pairRegionOf(d: CanaryDeploymentsSettings, pair: CanaryPairSettings, accountRegions: readonly string[]): string {
  // Kept apart from planCanaryDeployment so the region is known before any call.
  const regionsOfSpec = (spec: Record<string, unknown>): string[] => {
    if (typeof spec['region'] === 'string' && spec['region'] !== '') return [spec['region']];
    const zones = spec['availabilityZones'];
    return isPlainObject(zones) ? Object.keys(zones) : Array.isArray(spec['regions']) ? spec['regions'].filter((r): r is string => typeof r === 'string') : [];
  };
  const region = regionsOfSpec(pair.control)[0] ?? regionsOfSpec(pair.experiment)[0] ?? d.baseline.region ?? (accountRegions.length === 1 ? accountRegions[0] : undefined);
  if (!region) throw new InputError('the canary pair names no region: set availabilityZones on its control and experiment', [{ pointer: `${pair.controlPointer}/availabilityZones`, message: 'no region' }]);
  return region;
}

async function experimentImage(t: Target, input: TaskInput): Promise<ImageRef> {
  let image: ImageRef;
  try {
    image = resolveImage(t.pair.experiment, t.region, t.provider.type, input.lookup('deploymentDetails'));
  } catch (err) {
    throw rebase(err, t.pair.experimentPointer);
  }
  if (image.id === '' && image.name) {
    const found = await t.provider.findImages(t.account, t.region, { name: image.name });
    const newest = [...found].sort((a, b) => b.createdTime - a.createdTime)[0];
    if (!newest) throw new InputError(`no image named "${image.name}" in ${t.account}/${t.region}`, [{ pointer: `${t.pair.experimentPointer}/imageName`, message: 'no such image' }]);
    image = { id: newest.id, name: newest.name };
  }
  return image;
}

function lockKeysOf(plan: Pick<CanaryDeploymentPlan, 'account' | 'region'> & { baseline: { cluster: string }; canary: { cluster: string } }): string[] {
  return [lockKey(plan.account, plan.region, plan.baseline.cluster), lockKey(plan.account, plan.region, plan.canary.cluster)].sort();
}

/** Acquires (or renews) the clusters' locks; the key held by another execution, or null. */
async function lockClusters(deps: CanaryDeps, input: TaskInput, keys: string[]): Promise<{ key: string; holder: string | null } | null> {
  if (!deps.lock) return null;
  for (const key of keys) {
    const r = await deps.lock.acquire(key, input.execution.id, deps.lockTtlMs ?? DEFAULT_LOCK_TTL_MS);
    if (!r.acquired) return { key, holder: r.holder ?? null };
  }
  return null;
}

async function currentWeights(t: Target, application: string, loadBalancers: string[]): Promise<Record<string, Record<string, number>> | null> {
  if (!t.provider.setTrafficWeights) return null;
  const lbs = await t.provider.listLoadBalancers(t.account, t.region, { application });
  const out: Record<string, Record<string, number>> = {};
  for (const name of loadBalancers) {
    const lb = lbs.find((l) => l.name === name);
    out[name] = Object.fromEntries((lb?.serverGroups ?? []).filter((g) => typeof g.weight === 'number').map((g) => [g.name, g.weight as number]));
  }
  return out;
}

function planOf(input: TaskInput): CanaryDeploymentPlan {
  const plan = input.stage.context['canaryDeployment'];
  if (!isPlainObject(plan)) throw new Error('no canary deployment plan recorded: prepareCanaryDeployment must run first');
  return plan as unknown as CanaryDeploymentPlan;
}

const onCancel = (deps: CanaryDeps) => async (input: TaskInput): Promise<TaskResult> => {
  await cleanupCanaryNow(deps, input, 'canceled');
  return { status: 'CANCELED' };
};

/** Locks the two clusters, then records the plan: names, images, capacity and traffic split. */
export function prepareCanaryDeploymentTask(deps: CanaryDeps): TaskImplementation {
  return {
    type: 'prepareCanaryDeployment',
    queue: 'cloud',
    backoffMs: () => 2000,
    onCancel: onCancel(deps),
    async execute(input: TaskInput): Promise<TaskResult> {
      const t = target(deps, input);
      const recorded = input.stage.context['canaryDeployment'];
      if (isPlainObject(recorded)) {
        const busy = await lockClusters(deps, input, lockKeysOf(recorded as unknown as CanaryDeploymentPlan));
        if (busy) return { status: 'RUNNING', context: { waitingForClusterLock: { ...busy, message: `waiting for cluster ${busy.key}: execution ${busy.holder ?? '?'} is using it` } } };
        return { status: 'SUCCEEDED', context: { waitingForClusterLock: null } };
      }
      // A canary that cannot be judged (no such config) must not deploy anything first.
      await loadCanaryConfig(deps, t.stage);
      const application = t.settings.baseline.application as string;
      const production = await t.provider.listServerGroups(t.account, t.region, { application, cluster: t.settings.baseline.cluster as string });
      const image = await experimentImage(t, input);
      const base = { deployments: t.settings, pair: t.pair, cloudProvider: t.provider.type, accountRegions: [t.region], productionGroups: production, experimentImage: image };
      // Cluster names do not depend on the clusters' histories: lock them before choosing versions.
      const probe = planCanaryDeployment({ ...base, existing: { baseline: [], canary: [] }, currentWeights: null });
      const keys = lockKeysOf(probe);
      const busy = await lockClusters(deps, input, keys);
      if (busy) return { status: 'RUNNING', context: { waitingForClusterLock: { ...busy, message: `waiting for cluster ${busy.key}: execution ${busy.holder ?? '?'} is using it` } } };
      const [baseline, canary] = await Promise.all([
        t.provider.listServerGroups(t.account, t.region, { application: probe.baseline.spec.application, cluster: probe.baseline.cluster }),
        t.provider.listServerGroups(t.account, t.region, { application: probe.canary.spec.application, cluster: probe.canary.cluster }),
      ]);
      const plan = planCanaryDeployment({ ...base, existing: { baseline, canary }, currentWeights: await currentWeights(t, application, probe.loadBalancers) });
      return {
        status: 'SUCCEEDED',
        context: { canaryDeployment: plan, clusterLockKeys: keys, waitingForClusterLock: null },
        outputs: { canaryDeployment: { account: plan.account, region: plan.region, baselineServerGroup: plan.baseline.name, canaryServerGroup: plan.canary.name } },
      };
    },
  };
}

/** Gives baseline and canary their share of the production load balancers (providers that weigh traffic). */
export function setCanaryTrafficTask(deps: CanaryDeps): TaskImplementation {
  return {
    type: 'setCanaryTraffic',
    queue: 'cloud',
    onCancel: onCancel(deps),
    async execute(input: TaskInput): Promise<TaskResult> {
      const t = target(deps, input);
      const plan = planOf(input);
      if (plan.traffic.mode !== 'weights' || !t.provider.setTrafficWeights) {
        return { status: 'SUCCEEDED', context: { canaryTraffic: 'in proportion to instances (the provider cannot weigh traffic)' } };
      }
      for (const [lb, weights] of Object.entries(plan.traffic.weights)) await t.provider.setTrafficWeights(plan.account, plan.region, lb, weights);
      return { status: 'SUCCEEDED', context: { canaryTraffic: `${plan.traffic.percent}% each to ${plan.baseline.name} and ${plan.canary.name}` } };
    },
  };
}

/** Creates baseline and canary (a retry finds what exists). */
export function createCanaryServerGroupsTask(deps: CanaryDeps): TaskImplementation {
  return {
    type: 'createCanaryServerGroups',
    queue: 'cloud',
    onCancel: onCancel(deps),
    async execute(input: TaskInput): Promise<TaskResult> {
      const t = target(deps, input);
      const plan = planOf(input);
      const busy = await lockClusters(deps, input, lockKeysOf(plan));
      if (busy) return { status: 'TERMINAL', error: { message: `lost the lock of cluster ${busy.key} to ${busy.holder ?? 'another execution'}`, code: 'CONFLICT' } };
      for (const g of [plan.baseline, plan.canary]) {
        const existing = await t.provider.getServerGroup(plan.account, plan.region, g.name);
        if (!existing) await t.provider.createServerGroup(g.spec);
      }
      return { status: 'SUCCEEDED', context: { canaryServerGroupsCreated: [plan.baseline.name, plan.canary.name] } };
    },
  };
}

/** Waits until both groups have every instance up. */
export function waitForCanaryServerGroupsTask(deps: CanaryDeps): TaskImplementation {
  return {
    type: 'waitForCanaryServerGroups',
    queue: 'cloud',
    onCancel: onCancel(deps),
    backoffMs: (input) => {
      try {
        return target(deps, input).provider.pollIntervalMs ?? 5000;
      } catch {
        return 5000;
      }
    },
    timeoutMs: () => DEFAULT_WAIT_FOR_HEALTHY_MS,
    async execute(input: TaskInput): Promise<TaskResult> {
      const t = target(deps, input);
      const plan = planOf(input);
      const waiting: string[] = [];
      for (const g of [plan.baseline, plan.canary]) {
        const group = await t.provider.getServerGroup(plan.account, plan.region, g.name);
        if (!group) return { status: 'TERMINAL', error: { message: `server group ${g.name} disappeared before it was healthy` } };
        const health = groupHealth(group);
        if (!health.healthy) waiting.push(`${g.role} ${g.name}: ${health.reason ?? 'not up'}`);
      }
      if (waiting.length > 0) return { status: 'RUNNING', backoffMs: t.provider.pollIntervalMs ?? 5000, context: { waitingFor: waiting } };
      return { status: 'SUCCEEDED', context: { waitingFor: [] } };
    },
  };
}
