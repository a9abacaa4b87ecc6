// Plans the `deployments` block of a canary: a baseline server group running the production
// cluster's current image and a canary server group running the new one, the same size, in
// clusters of their own (`app-stack-baseline`, `app-stack-canary` unless the pair names others),
// behind the production load balancers, and the traffic split when the provider can weigh
// traffic. Pure: the task gathers the cloud's state and records the plan before creating anything.

import {
  clusterName,
  newestFirst,
  nextSequence,
  parseName,
  readCapacity,
  regionsOf,
  serverGroupName,
  serverGroupSpec,
  stringList,
  type Capacity,
  type ImageRef,
  type ServerGroup,
  type ServerGroupSpec,
} from '@gennaker/cloud';
import { InputError, isPlainObject } from '@gennaker/common';
import type { CanaryDeploymentsSettings, CanaryPairSettings } from './canary-stage-context.util';

export type CanaryRole = 'baseline' | 'canary';

export interface CanaryGroupPlan {
  role: CanaryRole;
  account: string;
  region: string;
  cluster: string;
  name: string;
  image: ImageRef;
  capacity: Capacity;
  spec: ServerGroupSpec;
}

/** What the canary creates and changes, recorded in the stage before any of it happens. */
export interface CanaryDeploymentPlan {
  account: string;
  region: string;
  cloudProvider: string;
  production: { cluster: string; serverGroups: string[]; image: ImageRef };
  baseline: CanaryGroupPlan;
  canary: CanaryGroupPlan;
  loadBalancers: string[];
  /** How traffic is shared: by weights per load balancer, or in proportion to instances. */
  traffic: { mode: 'weights'; percent: number; weights: Record<string, Record<string, number>>; previous: Record<string, Record<string, number>> } | { mode: 'instances' };
}

export interface DeploymentPlanInput {
  deployments: CanaryDeploymentsSettings;
  pair: CanaryPairSettings;
  cloudProvider: string;
  /** Regions of the baseline's account, for a pair that names none. */
  accountRegions: readonly string[];
  /** Groups of the production cluster in the region. */
  productionGroups: readonly ServerGroup[];
  /** Groups already in the baseline and canary clusters (for their next version numbers). */
  existing: { baseline: readonly ServerGroup[]; canary: readonly ServerGroup[] };
  /** The new version: from the experiment spec, or an upstream bake/findImage. */
  experimentImage: ImageRef;
  /** Weights currently set on the production load balancers (to restore them afterwards); null when the provider cannot weigh traffic. */
  currentWeights: Record<string, Record<string, number>> | null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The region of a pair: its specs', else the baseline's, else the account's only region. */
export function pairRegion(deployments: CanaryDeploymentsSettings, pair: CanaryPairSettings, accountRegions: readonly string[]): string {
  const region = regionsOf(pair.control)[0] ?? regionsOf(pair.experiment)[0] ?? deployments.baseline.region ?? (accountRegions.length === 1 ? accountRegions[0] : undefined);
  if (!region) {
    throw new InputError('the canary pair names no region: set availabilityZones (or region) on its control and experiment', [
      { pointer: `${pair.controlPointer}/availabilityZones`, message: 'no region: the account has several' },
    ]);
  }
  return region;
}

/** The account of a pair: its specs', else the baseline's. */
export function pairAccount(deployments: CanaryDeploymentsSettings, pair: CanaryPairSettings): string {
  const account = str(pair.control['account']) ?? str(pair.control['credentials']) ?? str(pair.experiment['account']) ?? str(pair.experiment['credentials']) ?? deployments.baseline.account;
  if (!account) throw new InputError('the canary names no account', [{ pointer: `${deployments.pointer}/baseline/account`, message: 'an account is required' }]);
  return account;
}

/** A cluster spec with the canary's defaults: the baseline's application and account, the production stack, a role detail. */
function withDefaults(spec: Record<string, unknown>, role: CanaryRole, input: DeploymentPlanInput, account: string, production: ServerGroup): Record<string, unknown> {
  const prod = parseName(production.name);
  const application = str(spec['application']) ?? input.deployments.baseline.application ?? prod?.application ?? production.application;
  const stack = spec['stack'] !== undefined ? spec['stack'] : (prod?.stack ?? undefined);
  const detail = str(spec['freeFormDetails']) ?? role;
  const out: Record<string, unknown> = { ...spec, application, account, freeFormDetails: detail };
  if (typeof stack === 'string') out['stack'] = stack;
  delete out['credentials'];
  if (stringList(spec['loadBalancers']).length === 0) out['loadBalancers'] = [...production.loadBalancers];
  if (stringList(spec['targetGroups']).length === 0 && production.targetGroups.some((t) => !production.loadBalancers.includes(t))) out['targetGroups'] = [...production.targetGroups];
  return out;
}

function capacityOf(pair: CanaryPairSettings): Capacity {
  const c = pair.control['capacity'];
  const e = pair.experiment['capacity'];
  const control = isPlainObject(c) ? readCapacity(c, `${pair.controlPointer}/capacity`) : null;
  const experiment = isPlainObject(e) ? readCapacity(e, `${pair.experimentPointer}/capacity`) : null;
  if (control && experiment && (control.min !== experiment.min || control.max !== experiment.max || control.desired !== experiment.desired)) {
    throw new InputError('baseline and canary must be the same size, or the comparison is biased', [
      { pointer: `${pair.experimentPointer}/capacity`, message: `must equal the control's capacity ${JSON.stringify(control)}` },
    ]);
  }
  return control ?? experiment ?? { min: 1, max: 1, desired: 1 };
}

function nextName(cluster: string, existing: readonly ServerGroup[]): string {
  return serverGroupName(cluster, nextSequence(existing.map((g) => ({ sequence: g.sequence ?? parseName(g.name)?.sequence ?? null, createdTime: g.createdTime }))));
}

export function planCanaryDeployment(input: DeploymentPlanInput): CanaryDeploymentPlan {
  const { deployments, pair } = input;
  const account = pairAccount(deployments, pair);
  const region = pairRegion(deployments, pair, input.accountRegions);
  const prodCluster = deployments.baseline.cluster as string;
  const enabled = newestFirst(input.productionGroups.filter((g) => g.enabled && g.cluster === prodCluster));
  const current = enabled[0];
  if (!current) {
    throw new InputError(`the production cluster ${prodCluster} has no enabled server group in ${account}/${region}: nothing to copy as the baseline`, [
      { pointer: `${deployments.pointer}/baseline/cluster`, message: `no enabled server group in ${account}/${region}` },
    ]);
  }
  const capacity = capacityOf(pair);
  const control = withDefaults(pair.control, 'baseline', input, account, current);
  const experiment = withDefaults(pair.experiment, 'canary', input, account, current);
  const clusterOf = (spec: Record<string, unknown>) => clusterName(String(spec['application']), str(spec['stack']), str(spec['freeFormDetails']));
  const baselineCluster = clusterOf(control);
  const canaryCluster = clusterOf(experiment);
  if (baselineCluster === canaryCluster) {
    throw new InputError(`baseline and canary would share the cluster ${baselineCluster}; give them different freeFormDetails`, [{ pointer: `${pair.experimentPointer}/freeFormDetails`, message: `same cluster as the control (${baselineCluster})` }]);
  }
  for (const [cluster, pointer] of [[baselineCluster, pair.controlPointer], [canaryCluster, pair.experimentPointer]] as const) {
    if (cluster === prodCluster) {
      throw new InputError(`the canary's groups must not be in the production cluster ${prodCluster}: they are destroyed afterwards`, [{ pointer: `${pointer}/freeFormDetails`, message: 'names the production cluster' }]);
    }
  }
  const controlImage: ImageRef = str(pair.control['imageId']) ? { id: String(pair.control['imageId']) } : { ...current.image };
  const group = (role: CanaryRole, spec: Record<string, unknown>, cluster: string, image: ImageRef, existing: readonly ServerGroup[]): CanaryGroupPlan => {
    const name = nextName(cluster, existing);
    const built = serverGroupSpec({ cluster: spec, region, name, image, capacity });
    return { role, account, region, cluster, name, image, capacity, spec: { ...built, tags: { ...(built.tags ?? {}), 'gennaker:canary': role } } };
  };
  const baseline = group('baseline', control, baselineCluster, controlImage, input.existing.baseline);
  const canary = group('canary', experiment, canaryCluster, input.experimentImage, input.existing.canary);
  const loadBalancers = [...new Set([...(baseline.spec.loadBalancers ?? []), ...(canary.spec.loadBalancers ?? [])])];

  let traffic: CanaryDeploymentPlan['traffic'] = { mode: 'instances' };
  if (input.currentWeights !== null && loadBalancers.length > 0) {
    const percent = deployments.trafficPercent;
    const weights: Record<string, Record<string, number>> = {};
    const previous: Record<string, Record<string, number>> = {};
    for (const lb of loadBalancers) {
      const serving = enabled.filter((g) => g.loadBalancers.includes(lb)).map((g) => g.name);
      const share = serving.length > 0 ? (100 - 2 * percent) / serving.length : 0;
      weights[lb] = { ...Object.fromEntries(serving.map((n) => [n, share])), [baseline.name]: percent, [canary.name]: percent };
      previous[lb] = { ...(input.currentWeights[lb] ?? {}) };
    }
    traffic = { mode: 'weights', percent, weights, previous };
  }
  return {
    account,
    region,
    cloudProvider: input.cloudProvider,
    production: { cluster: prodCluster, serverGroups: enabled.map((g) => g.name), image: { ...current.image } },
    baseline,
    canary,
    loadBalancers,
    traffic,
  };
}

/** Weights to put back: what was there before, without the canary's groups (gone now). */
export function restoredWeights(plan: CanaryDeploymentPlan): Record<string, Record<string, number>> {
  if (plan.traffic.mode !== 'weights') return {};
  const out: Record<string, Record<string, number>> = {};
  for (const lb of plan.loadBalancers) {
    const previous = { ...(plan.traffic.previous[lb] ?? {}) };
    delete previous[plan.baseline.name];
    delete previous[plan.canary.name];
    out[lb] = previous;
  }
  return out;
}
