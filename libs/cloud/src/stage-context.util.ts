import { InputError, isPlainObject, type ErrorDetail } from '@gennaker/common';
import type { TaskInput } from '@gennaker/engine';
import { isExpression } from './capacity.util';
import { parseName, validateClusterName, validateServerGroupName } from './frigga.util';

/** Spinnaker names the account `credentials` on cluster stages and `account` on deploy clusters. */
export function accountOf(ctx: Record<string, unknown>): string | undefined {
  const v = ctx['credentials'] ?? ctx['account'];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function accountPointer(ctx: Record<string, unknown>, base = ''): string {
  return `${base}/${ctx['credentials'] !== undefined ? 'credentials' : 'account'}`;
}

/** Regions of a cluster stage: `regions`, else `region`, else the keys of `availabilityZones` (or `zones`). */
export function regionsOf(ctx: Record<string, unknown>): string[] {
  const regions = ctx['regions'];
  if (Array.isArray(regions) && regions.length > 0) return regions.filter((r): r is string => typeof r === 'string' && r !== '');
  if (typeof ctx['region'] === 'string' && ctx['region'] !== '') return [ctx['region']];
  for (const key of ['availabilityZones', 'zones']) {
    const z = ctx[key];
    if (isPlainObject(z) && Object.keys(z).length > 0) return Object.keys(z);
  }
  return [];
}

export function regionsPointer(ctx: Record<string, unknown>, base = ''): string {
  if (ctx['regions'] !== undefined) return `${base}/regions`;
  if (ctx['region'] !== undefined) return `${base}/region`;
  return `${base}/availabilityZones`;
}

/** The cluster a stage acts on: `cluster`, or the cluster of `serverGroupName`, or `moniker.cluster`. */
export function clusterOf(ctx: Record<string, unknown>): string | undefined {
  if (typeof ctx['cluster'] === 'string' && ctx['cluster'] !== '') return ctx['cluster'];
  const rc = ctx['rollbackContext'];
  const sg = ctx['serverGroupName'] ?? ctx['asgName'] ?? (isPlainObject(rc) ? rc['rollbackServerGroupName'] : undefined);
  if (typeof sg === 'string') {
    const parsed = parseName(sg);
    if (parsed) return parsed.cluster;
  }
  const moniker = ctx['moniker'];
  if (isPlainObject(moniker) && typeof moniker['cluster'] === 'string') return moniker['cluster'];
  return undefined;
}

export function lockKey(account: string, region: string, cluster: string): string {
  return `${account}/${region}/${cluster}`;
}

/** Locks are held per execution: stages of one execution may nest (a deploy's disableCluster). */
export function lockOwner(input: Pick<TaskInput, 'execution'>): string {
  return input.execution.id;
}

/**
 * Validate-time checks shared by the cluster stages: the cluster (or server group) name, the
 * account, the regions. Values holding expressions are left for run time.
 */
export function clusterStageErrors(ctx: Record<string, unknown>, options: { serverGroupAllowed?: boolean; regionsRequired?: boolean } = {}): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const cluster = ctx['cluster'];
  const sg = ctx['serverGroupName'] ?? ctx['asgName'];
  if (options.serverGroupAllowed && sg !== undefined && sg !== null && sg !== '') {
    if (!isExpression(sg)) errors.push(...validateServerGroupName(sg, ctx['serverGroupName'] !== undefined ? '/serverGroupName' : '/asgName'));
  } else if (cluster === undefined || cluster === null || cluster === '') {
    const moniker = ctx['moniker'];
    if (!(isPlainObject(moniker) && typeof moniker['cluster'] === 'string')) {
      errors.push({ pointer: '/cluster', message: options.serverGroupAllowed ? 'a cluster (with a target) or a serverGroupName is required' : 'a cluster is required' });
    }
  } else if (!isExpression(cluster)) errors.push(...validateClusterName(cluster));
  const acc = ctx['credentials'] ?? ctx['account'];
  if (acc === undefined || acc === null || acc === '') errors.push({ pointer: '/credentials', message: 'an account (credentials) is required' });
  else if (typeof acc !== 'string') errors.push({ pointer: accountPointer(ctx), message: 'must be an account name' });
  if (options.regionsRequired !== false) {
    const regions = ctx['regions'];
    if (regions !== undefined && regions !== null && (!Array.isArray(regions) || regions.some((r) => typeof r !== 'string'))) {
      errors.push({ pointer: '/regions', message: 'must be a list of region names' });
    }
  }
  return errors;
}

export function throwIfErrors(errors: ErrorDetail[], what: string): void {
  if (errors.length > 0) throw new InputError(`${what}: ${errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`, errors);
}

/** Re-bases an InputError's pointers under a prefix (a cluster's errors under /clusters/2). */
export function rebase(err: unknown, base: string): unknown {
  if (!(err instanceof InputError) || base === '') return err;
  return new InputError(err.message, err.details.map((d) => ({ pointer: `${base}${d.pointer}`, message: d.message })));
}

export function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
}

export function numberOr(v: unknown, fallback: number): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return fallback;
}

export function boolOf(v: unknown): boolean {
  return v === true || v === 'true';
}
