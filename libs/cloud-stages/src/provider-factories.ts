import type { CloudProvider, ProviderType, RawAccount } from '@gennaker/cloud';
import { createAwsProvider } from '@gennaker/cloud-aws';
import { LocalProvider, localAccounts } from '@gennaker/cloud-local';
import type { DataSource } from 'typeorm';
import type { CloudSettings } from './cloud-settings';

/** What a provider factory gets besides its accounts. */
export interface ProviderFactoryContext {
  dataSource: DataSource;
  /** Workers run long-lived things (the local host); the api only reads and writes. */
  role: 'api' | 'worker';
  settings: CloudSettings;
  log: { log(m: string): void; warn(m: string): void; error(m: string): void };
}

export type ProviderFactory = (entries: RawAccount[], ctx: ProviderFactoryContext) => CloudProvider;

/**
 * One factory per provider type, handed that type's raw account entries (common fields checked,
 * provider-specific keys as written). aws is added by @gennaker/cloud-aws (createAwsProvider).
 */
export const PROVIDER_FACTORIES: Record<ProviderType, ProviderFactory | undefined> = {
  local: (entries, ctx) =>
    new LocalProvider(localAccounts(entries), {
      dataSource: ctx.dataSource,
      dataDir: ctx.settings.dataDir,
      cwd: ctx.settings.cwd,
      role: ctx.role,
      bindHost: ctx.settings.bindHost,
      stopInstancesOnShutdown: !ctx.settings.keepInstancesOnShutdown,
      orphanGraceMs: ctx.settings.orphanGraceMs,
      log: ctx.log,
    }),
  aws: (entries, ctx) => createAwsProvider(entries, { logger: ctx.log }),
};

/** Builds a provider per type that has accounts; refuses to start when a type has no factory. */
export function buildProviders(accounts: RawAccount[], ctx: ProviderFactoryContext, factories: Partial<Record<ProviderType, ProviderFactory>> = PROVIDER_FACTORIES): CloudProvider[] {
  const byType = new Map<ProviderType, RawAccount[]>();
  for (const a of accounts) byType.set(a.provider, [...(byType.get(a.provider) ?? []), a]);
  const providers: CloudProvider[] = [];
  for (const [type, entries] of byType) {
    const factory = factories[type];
    if (!factory) {
      throw new Error(
        `GENNAKER_ACCOUNTS_FILE lists ${type} accounts (${entries.map((e) => e.name).join(', ')}), but this build has no ${type} provider; remove them or use a build that has it`,
      );
    }
    providers.push(factory(entries, ctx));
  }
  return providers;
}
