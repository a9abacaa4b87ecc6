import { InputError } from '@gennaker/common';
import type { TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import type { CloudDeps } from '../cloud-deps';
import { deploymentDetailOf } from '../cluster.util';
import { sha256Hex, stableStringify } from '../hash.util';
import type { BakeRequest, BakeState, CloudProvider, ProviderType } from '../provider.port';
import { boolOf } from '../stage-context.util';
import { pollMs } from './task.util';

/** Keys of a bake stage that shape the image (Rosco's bake request, plus the local provider's sources). */
export const BAKE_INPUT_KEYS = [
  'baseOs', 'baseLabel', 'vmType', 'storeType', 'baseAmi', 'baseName', 'amiName', 'amiSuffix', 'templateFileName', 'varFileName',
  'extendedAttributes', 'enhancedNetworking', 'instanceType', 'user',
  // local provider: where the application comes from and how it starts
  'directory', 'repository', 'commit', 'command', 'env',
] as const;

/** The account a bake runs in: `account`, else the first account of `cloudProviderType`. */
export function bakeAccount(deps: CloudDeps, ctx: Record<string, unknown>): { account: string; provider: CloudProvider } {
  if (typeof ctx['account'] === 'string' && ctx['account'] !== '') {
    try {
      return { account: ctx['account'], provider: deps.providers.providerFor(ctx['account']) };
    } catch (err) {
      if (err instanceof InputError) throw new InputError(err.message, [{ pointer: '/account', message: `no account named "${ctx['account']}"` }]);
      throw err;
    }
  }
  const accounts = deps.providers.accounts();
  const types = [...new Set(accounts.map((a) => a.provider))];
  const wanted = (ctx['cloudProviderType'] ?? ctx['cloudProvider'] ?? (types.length === 1 ? types[0] : 'aws')) as ProviderType;
  const account = accounts.find((a) => a.provider === wanted);
  if (!account) {
    throw new InputError(`no ${wanted} account is configured to bake in`, [
      { pointer: ctx['cloudProviderType'] !== undefined ? '/cloudProviderType' : '/account', message: `no ${wanted} account; configured: ${accounts.map((a) => `${a.name} (${a.provider})`).join(', ')}` },
    ]);
  }
  return { account: account.name, provider: deps.providers.providerFor(account.name) };
}

export async function bakeRequestOf(deps: CloudDeps, input: TaskInput): Promise<{ request: BakeRequest; provider: CloudProvider }> {
  const ctx = input.stage.context;
  const { account, provider } = bakeAccount(deps, ctx);
  const region = ctx['region'];
  if (typeof region !== 'string' || region === '') throw new InputError('a region to bake in is required', [{ pointer: '/regions', message: 'required' }]);
  const acc = deps.providers.account(account);
  if (!acc.regions.includes(region)) throw new InputError(`account "${account}" has no region "${region}"`, [{ pointer: '/regions', message: `${region} is not a region of ${account}` }]);
  const pkg = ctx['package'];
  if (typeof pkg !== 'string' || pkg.trim() === '') throw new InputError('package (what to bake) is required', [{ pointer: '/package', message: 'required' }]);
  const inputs: Record<string, unknown> = {};
  for (const k of BAKE_INPUT_KEYS) if (ctx[k] !== undefined) inputs[k] = ctx[k];
  const version = typeof ctx['version'] === 'string' && ctx['version'] !== '' ? ctx['version'] : undefined;
  const baseImage = typeof ctx['baseAmi'] === 'string' ? { id: ctx['baseAmi'] } : typeof ctx['baseName'] === 'string' ? { name: ctx['baseName'] } : undefined;
  const hashed = { account, region, package: pkg, version, baseImage, inputs };
  return {
    provider,
    request: {
      account,
      region,
      package: pkg,
      ...(version ? { version } : {}),
      ...(baseImage ? { baseImage } : {}),
      inputs,
      inputsHash: await sha256Hex(stableStringify(hashed)),
      rebake: boolOf(ctx['rebake']),
      tags: { application: input.execution.application, package: pkg, ...(version ? { version } : {}) },
    },
  };
}

function stateContext(s: BakeState): Record<string, unknown> {
  return { bakeId: s.bakeId, bakeState: s.state, ...(s.state === 'running' && s.message ? { bakeMessage: s.message } : {}) };
}

/** Starts the bake (or finds the one running or done with the same inputs) and records its id. */
export function createBakeTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'createBake',
    queue: 'cloud',
    async execute(input: TaskInput): Promise<TaskResult> {
      if (typeof input.stage.context['bakeId'] === 'string') return { status: 'SUCCEEDED' };
      const { request, provider } = await bakeRequestOf(deps, input);
      const state = await provider.startBake(request);
      if (state.state === 'failed') return { status: 'TERMINAL', context: stateContext(state), error: { message: `bake failed: ${state.message}` } };
      return { status: 'SUCCEEDED', context: { ...stateContext(state), bakeAccount: request.account, inputsHash: request.inputsHash } };
    },
  };
}

/** Polls the bake; its image becomes this region's `deploymentDetails` entry. */
export function monitorBakeTask(deps: CloudDeps): TaskImplementation {
  return {
    type: 'monitorBake',
    queue: 'cloud',
    timeoutMs: () => 3_600_000,
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      const account = ctx['bakeAccount'] as string;
      const region = ctx['region'] as string;
      const provider = deps.providers.providerFor(account);
      const state = await provider.bakeStatus(account, region, ctx['bakeId'] as string);
      if (state.state === 'running') return { status: 'RUNNING', backoffMs: pollMs(provider), context: stateContext(state) };
      if (state.state === 'failed') return { status: 'TERMINAL', context: stateContext(state), error: { message: `bake failed: ${state.message}` } };
      const detail = deploymentDetailOf(state.image, region, provider.type, { account, package: String(ctx['package']) });
      return {
        status: 'SUCCEEDED',
        context: { ...stateContext(state), imageId: state.image.id, imageName: state.image.name, reused: state.reused },
        outputs: { deploymentDetails: [detail] },
      };
    },
    async onCancel(input: TaskInput): Promise<TaskResult | void> {
      const ctx = input.stage.context;
      if (typeof ctx['bakeId'] !== 'string' || typeof ctx['bakeAccount'] !== 'string') return;
      const provider = deps.providers.providerFor(ctx['bakeAccount']);
      await provider.cancelBake?.(ctx['bakeAccount'], ctx['region'] as string, ctx['bakeId']);
    },
  };
}
