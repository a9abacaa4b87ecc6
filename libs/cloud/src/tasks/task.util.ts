import { InputError } from '@gennaker/common';
import type { Stage, TaskInput } from '@gennaker/engine';
import { DEFAULT_POLL_MS, type CloudDeps } from '../cloud-deps';
import { checkAccountRegion } from '../provider-registry';
import type { CloudProvider } from '../provider.port';
import { accountOf, accountPointer, clusterOf, regionsOf, regionsPointer } from '../stage-context.util';

export interface StageTarget {
  provider: CloudProvider;
  account: string;
  regions: string[];
}

/**
 * The provider, account and regions a stage acts on, checked: unknown account, a region the
 * account lacks, or a cloudProvider that is not the account's is bad input naming the field.
 */
export function stageTarget(deps: CloudDeps, ctx: Record<string, unknown>, base = ''): StageTarget {
  const account = accountOf(ctx);
  const regions = regionsOf(ctx);
  if (regions.length === 0) throw new InputError('no region given', [{ pointer: regionsPointer(ctx, base), message: 'at least one region is required' }]);
  let provider: CloudProvider | undefined;
  for (const region of regions) {
    const regionPointer = typeof ctx['regionPointer'] === 'string' ? `${base}${ctx['regionPointer']}` : regionsPointer(ctx, base);
    provider = checkAccountRegion(deps.providers, account, region, { account: accountPointer(ctx, base), region: regionPointer }).provider;
  }
  const declared = ctx['cloudProvider'] ?? ctx['cloudProviderType'] ?? ctx['provider'];
  if (typeof declared === 'string' && declared !== '' && provider && declared !== provider.type) {
    throw new InputError(`account "${account}" is a ${provider.type} account, but the stage says cloudProvider "${declared}"`, [
      { pointer: `${base}/${ctx['cloudProvider'] !== undefined ? 'cloudProvider' : ctx['cloudProviderType'] !== undefined ? 'cloudProviderType' : 'provider'}`, message: `must be ${provider.type} for account ${account}` },
    ]);
  }
  return { provider: provider as CloudProvider, account: account as string, regions };
}

export function requireCluster(ctx: Record<string, unknown>, base = ''): string {
  const cluster = clusterOf(ctx);
  if (!cluster) throw new InputError('a cluster is required', [{ pointer: `${base}/cluster`, message: 'required' }]);
  return cluster;
}

export function pollMs(provider: CloudProvider): number {
  return provider.pollIntervalMs ?? DEFAULT_POLL_MS;
}

/** The stage that planned this one (a deploy's createServerGroup for its disableCluster...). */
export function parentStage(input: Pick<TaskInput, 'execution' | 'stage'>): Stage | undefined {
  const id = input.stage.parentStageId;
  return id === null ? undefined : input.execution.stages.find((s) => s.id === id);
}

/** A value the parent stage recorded (the new server group's name, the target capacity). */
export function fromParent<T = unknown>(input: Pick<TaskInput, 'execution' | 'stage'>, key: string): T | undefined {
  return parentStage(input)?.context[key] as T | undefined;
}

/** Server groups created by this execution's parent deploy stage, to protect from cluster-wide operations. */
export function protectedGroups(input: Pick<TaskInput, 'execution' | 'stage'>): string[] {
  const ctx = input.stage.context;
  const out = Array.isArray(ctx['protectServerGroups']) ? ctx['protectServerGroups'].filter((x): x is string => typeof x === 'string') : [];
  if (ctx['protectParentServerGroup'] === true) {
    const name = fromParent<string>(input, 'serverGroupName');
    if (typeof name === 'string') out.push(name);
  }
  return out;
}
