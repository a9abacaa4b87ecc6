import { InputError } from '@gennaker/common';
import type { Image, Instance, ServerGroup } from './provider.port';

/** Newest first: by creation time, then by version (two groups created in the same millisecond). */
export function newestFirst<T extends Pick<ServerGroup, 'createdTime' | 'sequence'>>(groups: readonly T[]): T[] {
  return [...groups].sort((a, b) => b.createdTime - a.createdTime || (b.sequence ?? -1) - (a.sequence ?? -1));
}

/** Largest first (desired capacity, then instances), newer first among equals. */
export function largestFirst(groups: readonly ServerGroup[]): ServerGroup[] {
  return [...groups].sort(
    (a, b) => b.capacity.desired - a.capacity.desired || b.instances.length - a.instances.length || b.createdTime - a.createdTime,
  );
}

/** Spinnaker's dynamic targets, with the older names they replace. */
export const TARGETS = [
  'current_asg_dynamic',
  'ancestor_asg_dynamic',
  'oldest_asg_dynamic',
  'largest_asg_dynamic',
  'current_asg',
  'ancestor_asg',
  'oldest_asg',
  'largest_asg',
] as const;
export type Target = (typeof TARGETS)[number];

/**
 * The server group a target names, among one cluster's groups in one region (Clouddriver's
 * target resolution): current = the newest, ancestor = the one before it, oldest, largest.
 * Null when there is none (an empty cluster, or no ancestor).
 */
export function resolveTarget(groups: readonly ServerGroup[], target: string): ServerGroup | null {
  const sorted = newestFirst(groups);
  switch (normalizeTarget(target)) {
    case 'current':
      return sorted[0] ?? null;
    case 'ancestor':
      return sorted[1] ?? null;
    case 'oldest':
      return sorted[sorted.length - 1] ?? null;
    case 'largest':
      return largestFirst(groups)[0] ?? null;
    case null:
      throw new InputError(`unknown target "${target}"; use one of ${TARGETS.slice(0, 4).join(', ')}`, [
        { pointer: '/target', message: `must be one of ${TARGETS.join(', ')}` },
      ]);
  }
}

function normalizeTarget(target: string): 'current' | 'ancestor' | 'oldest' | 'largest' | null {
  switch (target) {
    case 'current_asg_dynamic':
    case 'current_asg':
      return 'current';
    case 'ancestor_asg_dynamic':
    case 'ancestor_asg':
      return 'ancestor';
    case 'oldest_asg_dynamic':
    case 'oldest_asg':
      return 'oldest';
    case 'largest_asg_dynamic':
    case 'largest_asg':
      return 'largest';
    default:
      return null;
  }
}

export function isTarget(v: unknown): v is Target {
  return typeof v === 'string' && (TARGETS as readonly string[]).includes(v);
}

const LB_SOURCE = /^(loadBalancer|targetGroup)[:/]/i;
const LB_HEALTHY = new Set(['Up', 'InService', 'healthy']);

/**
 * Whether an instance counts as up for a deploy: Up overall and, when its group takes traffic,
 * healthy in every load balancer or target group it reports (a disabled group is out of its
 * balancers on purpose, so only its own health counts).
 */
export function isInstanceUp(instance: Instance, groupEnabled: boolean): boolean {
  if (instance.health !== 'Up') return false;
  if (!groupEnabled) return true;
  return (instance.healthDetails ?? []).filter((d) => LB_SOURCE.test(d.source)).every((d) => LB_HEALTHY.has(d.state));
}

/** Instances needed up out of `desired` for a deploy to go on (Orca rounds up). */
export function requiredUp(desired: number, targetHealthyPercentage = 100): number {
  const pct = Math.min(100, Math.max(0, targetHealthyPercentage));
  return Math.ceil((desired * pct) / 100);
}

export interface HealthVerdict {
  healthy: boolean;
  up: number;
  required: number;
  desired: number;
  /** Why not, for the stage's context (what the user sees while it waits). */
  reason?: string;
}

/** Whether a server group has enough instances up to take the cluster's traffic. */
export function groupHealth(group: ServerGroup, targetHealthyPercentage = 100): HealthVerdict {
  const desired = group.capacity.desired;
  const up = group.instances.filter((i) => isInstanceUp(i, group.enabled)).length;
  const required = requiredUp(desired, targetHealthyPercentage);
  if (up >= required) return { healthy: true, up, required, desired };
  const down = group.instances.filter((i) => i.health === 'Down' || i.health === 'OutOfService');
  const reasons = down
    .slice(0, 3)
    .map((i) => `${i.id}: ${(i.healthDetails ?? []).filter((d) => d.state !== 'Up').map((d) => d.description ?? `${d.source} ${d.state}`).join(', ') || i.health}`);
  return {
    healthy: false,
    up,
    required,
    desired,
    reason: `${up} of ${required} required instances up (desired ${desired})${reasons.length > 0 ? `; ${reasons.join('; ')}` : ''}`,
  };
}

/** The counts the clusters API shows. */
export function instanceCounts(group: ServerGroup): { total: number; up: number; down: number; starting: number } {
  let up = 0;
  let starting = 0;
  let down = 0;
  for (const i of group.instances) {
    if (i.health === 'Up') up++;
    else if (i.health === 'Starting' || i.health === 'Unknown') starting++;
    else down++;
  }
  return { total: group.instances.length, up, down, starting };
}

export const SELECTION_STRATEGIES = ['NEWEST', 'OLDEST', 'LARGEST', 'FAIL'] as const;
export type SelectionStrategy = (typeof SELECTION_STRATEGIES)[number];

/**
 * findImage: the server group whose image to take, in one region (Orca's
 * FindImageFromClusterTask): NEWEST, OLDEST or LARGEST group; FAIL when the candidates do not all
 * run the same image. `onlyEnabled` considers enabled groups only.
 */
export function selectImageSource(groups: readonly ServerGroup[], strategy: SelectionStrategy, onlyEnabled: boolean): ServerGroup | null {
  const candidates = groups.filter((g) => !onlyEnabled || g.enabled);
  if (candidates.length === 0) return null;
  switch (strategy) {
    case 'NEWEST':
      return newestFirst(candidates)[0] ?? null;
    case 'OLDEST': {
      const s = newestFirst(candidates);
      return s[s.length - 1] ?? null;
    }
    case 'LARGEST':
      return largestFirst(candidates)[0] ?? null;
    case 'FAIL': {
      const images = new Set(candidates.map((g) => g.image.id));
      if (images.size > 1) {
        throw new InputError(
          `selectionStrategy FAIL: the cluster's ${onlyEnabled ? 'enabled ' : ''}server groups run ${images.size} different images (${[...images].join(', ')})`,
          [{ pointer: '/selectionStrategy', message: 'the server groups do not agree on one image' }],
        );
      }
      return newestFirst(candidates)[0] ?? null;
    }
  }
}

/** Spinnaker's deploymentDetails entry, as bake and findImage write it and deploy reads it. */
export interface DeploymentDetail {
  region: string;
  imageId: string;
  ami: string;
  imageName: string;
  cloudProvider: string;
  cloudProviderType: string;
  account?: string;
  package?: string;
  serverGroupName?: string;
  sourceServerGroup?: string;
  tags?: Record<string, string>;
}

export function deploymentDetailOf(
  image: Pick<Image, 'id' | 'name' | 'tags'>,
  region: string,
  provider: string,
  extra: Partial<DeploymentDetail> = {},
): DeploymentDetail {
  return {
    region,
    imageId: image.id,
    ami: image.id,
    imageName: image.name,
    cloudProvider: provider,
    cloudProviderType: provider,
    ...(image.tags && Object.keys(image.tags).length > 0 ? { tags: image.tags } : {}),
    ...extra,
  };
}
