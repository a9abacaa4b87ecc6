import { InputError, isPlainObject, type ErrorDetail } from '@gennaker/common';
import { capacityErrors, isExpression } from './capacity.util';
import type { DeploymentDetail } from './cluster.util';
import { clusterName, validateNameParts } from './frigga.util';
import type { Capacity, ImageRef, ServerGroupSpec } from './provider.port';
import { accountOf, regionsOf, stringList } from './stage-context.util';
import { STRATEGIES, strategyOptions } from './strategy.util';
import { alarmOptionsErrors } from './stages/watch-alarms.stage';

/** Keys of a deploy cluster that map onto ServerGroupSpec fields; everything else goes to `extra`. */
const MAPPED_KEYS = new Set([
  'account', 'credentials', 'application', 'stack', 'freeFormDetails', 'capacity', 'loadBalancers', 'targetGroups',
  'healthCheckType', 'healthCheckGracePeriod', 'instanceType', 'base64UserData', 'userData', 'securityGroups', 'keyPair',
  'iamRole', 'subnetType', 'tags', 'env', 'imageId', 'amiName', 'imageName',
  // strategy and pipeline-only keys, not for the cloud
  'strategy', 'maxRemainingAsgs', 'scaleDown', 'delayBeforeDisableSec', 'delayBeforeScaleDownSec', 'rollback',
  'targetHealthyDeployPercentage', 'targetPercentages', 'delayBetweenStepsSec', 'judgmentBetweenSteps', 'useSourceCapacity',
  'preferSourceCapacity', 'cloudProvider', 'provider', 'moniker', 'region', 'alarms', 'alarmWatchSeconds',
]);

/** Validate-time checks of one deploy cluster; pointers relative to the cluster. */
export function deployClusterErrors(cluster: unknown): ErrorDetail[] {
  if (!isPlainObject(cluster)) return [{ pointer: '', message: 'each cluster must be an object' }];
  const errors: ErrorDetail[] = [];
  const parts = { application: cluster['application'], stack: cluster['stack'], detail: cluster['freeFormDetails'] };
  if (![parts.application, parts.stack, parts.detail].some(isExpression)) errors.push(...validateNameParts(parts));
  const account = cluster['account'] ?? cluster['credentials'];
  if (typeof account !== 'string' || account === '') errors.push({ pointer: '/account', message: 'an account is required' });
  if (regionsOf(cluster).length === 0) errors.push({ pointer: '/availabilityZones', message: 'the cluster needs a region: availabilityZones {region: [zones]} or region' });
  if (cluster['capacity'] !== undefined && !(isPlainObject(cluster['capacity']) && Object.keys(cluster['capacity']).length === 0 && cluster['useSourceCapacity'] === true)) {
    errors.push(...capacityErrors(cluster['capacity'], '/capacity'));
  } else if (cluster['capacity'] === undefined && cluster['targetSize'] === undefined && cluster['useSourceCapacity'] !== true) {
    errors.push({ pointer: '/capacity', message: 'capacity {min, max, desired} is required (or useSourceCapacity)' });
  }
  const strategy = cluster['strategy'];
  if (strategy !== undefined && !isExpression(strategy) && !(STRATEGIES as readonly unknown[]).includes(strategy) && strategy !== 'custom') {
    errors.push({ pointer: '/strategy', message: 'must be one of redblack, rollingredblack, highlander, none' });
  } else if (strategy !== 'custom' && !isExpression(strategy)) {
    try {
      strategyOptions(cluster);
    } catch (err) {
      if (err instanceof InputError) errors.push(...err.details);
      else throw err;
    }
  }
  errors.push(...alarmOptionsErrors(cluster));
  for (const key of ['loadBalancers', 'targetGroups', 'securityGroups']) {
    const v = cluster[key];
    if (v !== undefined && v !== null && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) errors.push({ pointer: `/${key}`, message: 'must be a list of names' });
  }
  return errors;
}

export function clusterNameOf(cluster: Record<string, unknown>): string {
  return clusterName(String(cluster['application'] ?? ''), (cluster['stack'] as string | undefined) ?? null, (cluster['freeFormDetails'] as string | undefined) ?? null);
}

/**
 * The image a cluster deploys in a region: explicit (`imageId`, `amiName`/`imageName`), else the
 * upstream bake's or findImage's `deploymentDetails` entry for the region (and provider). Bad input
 * naming `/imageId` when there is none.
 */
export function resolveImage(cluster: Record<string, unknown>, region: string, provider: string, deploymentDetails: unknown): ImageRef {
  const explicitId = cluster['imageId'];
  if (typeof explicitId === 'string' && explicitId !== '') return { id: explicitId };
  const explicitName = cluster['amiName'] ?? cluster['imageName'];
  if (typeof explicitName === 'string' && explicitName !== '') return { id: '', name: explicitName };
  const details = Array.isArray(deploymentDetails) ? (deploymentDetails.filter(isPlainObject) as Array<Partial<DeploymentDetail>>) : [];
  const forProvider = details.filter((d) => {
    const p = d.cloudProvider ?? d.cloudProviderType;
    return p === undefined || p === provider;
  });
  const match = forProvider.find((d) => d.region === region) ?? (forProvider.length === 1 && forProvider[0]?.region === undefined ? forProvider[0] : undefined);
  const id = match?.imageId ?? match?.ami;
  if (match && typeof id === 'string' && id !== '') return { id, ...(typeof match.imageName === 'string' ? { name: match.imageName } : {}) };
  throw new InputError(
    details.length > 0
      ? `no image for region ${region}: the upstream bake or findImage produced images for ${details.map((d) => `${d.region} (${d.cloudProvider ?? d.cloudProviderType ?? '?'})`).join(', ')}`
      : `no image to deploy in ${region}: add a bake or findImage stage upstream, or set imageId`,
    [{ pointer: '/imageId', message: 'no image: none given and none from an upstream bake or findImage' }],
  );
}

/** The new group's spec. `extra` keeps what the provider may want (AWS-only keys, local options). */
export function serverGroupSpec(input: {
  cluster: Record<string, unknown>;
  region: string;
  name: string;
  image: ImageRef;
  capacity: Capacity;
}): ServerGroupSpec {
  const c = input.cluster;
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) if (!MAPPED_KEYS.has(k)) extra[k] = v;
  const zones = isPlainObject(c['availabilityZones']) ? c['availabilityZones'][input.region] : undefined;
  if (Array.isArray(zones)) extra['zones'] = zones;
  const tags = isPlainObject(c['tags']) ? Object.fromEntries(Object.entries(c['tags']).map(([k, v]) => [k, String(v)])) : undefined;
  const env = isPlainObject(c['env']) ? Object.fromEntries(Object.entries(c['env']).map(([k, v]) => [k, String(v)])) : undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const stack = str(c['stack']);
  const detail = str(c['freeFormDetails']);
  return {
    account: accountOf(c) as string,
    region: input.region,
    name: input.name,
    application: String(c['application']),
    ...(stack ? { stack } : {}),
    ...(detail ? { detail } : {}),
    image: input.image,
    capacity: input.capacity,
    loadBalancers: stringList(c['loadBalancers']),
    targetGroups: stringList(c['targetGroups']),
    ...(str(c['healthCheckType']) ? { healthCheckType: str(c['healthCheckType']) } : {}),
    ...(typeof c['healthCheckGracePeriod'] === 'number' ? { healthCheckGracePeriodSeconds: c['healthCheckGracePeriod'] } : {}),
    ...(str(c['instanceType']) ? { instanceType: str(c['instanceType']) } : {}),
    ...(str(c['base64UserData'] ?? c['userData']) ? { userData: str(c['base64UserData'] ?? c['userData']) } : {}),
    ...(Array.isArray(c['securityGroups']) ? { securityGroups: stringList(c['securityGroups']) } : {}),
    ...(str(c['keyPair']) ? { keyPair: str(c['keyPair']) } : {}),
    ...(str(c['iamRole']) ? { iamInstanceProfile: str(c['iamRole']) } : {}),
    ...(str(c['subnetType']) ? { subnetType: str(c['subnetType']) } : {}),
    ...(tags ? { tags } : {}),
    ...(env ? { env } : {}),
    extra,
  };
}
