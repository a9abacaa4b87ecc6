import { cloudStagesPlugin, ProviderRegistry, type CloudProvider, type CloudProviderRegistry, type ClusterLock, type RawAccount } from '@gennaker/cloud';
import { LocalMetricsSource, PostgresClusterLock } from '@gennaker/cloud-local';
import { errorMessage } from '@gennaker/common';
import { Global, Inject, Injectable, Logger, Module, type BeforeApplicationShutdown, type DynamicModule, type InjectionToken, type OnApplicationBootstrap } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { loadAccounts } from './accounts.loader';
import { readCloudSettings, type CloudSettings } from './cloud-settings';
import { AccountsService, ClustersService } from './clusters.service';
import { buildProviders, PROVIDER_FACTORIES } from './provider-factories';
import { CLOUD_ACCOUNTS, CLOUD_PROVIDER_REGISTRY, CLOUD_PROVIDERS, CLOUD_STAGES, CLUSTER_LOCK, LOCAL_METRICS_SOURCE } from './tokens';

const CLOUD_SETTINGS = Symbol('CLOUD_SETTINGS');

/**
 * Lock owners are execution ids (see lockOwner in @gennaker/cloud): a lock whose execution is no
 * longer running (canceled, or failed before releasing) is free at once.
 */
const EXECUTION_ALIVE_SQL = `EXISTS (SELECT 1 FROM executions e WHERE e.id = cluster_locks.owner AND e.status IN ('NOT_STARTED', 'BUFFERED', 'RUNNING', 'PAUSED', 'SUSPENDED'))`;

/** Starts the providers with the process (the local host runs in workers) and stops them cleanly. */
@Injectable()
class ProviderLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('cloud');

  constructor(@Inject(CLOUD_PROVIDERS) private readonly providers: CloudProvider[]) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const p of this.providers) await p.start?.();
  }

  // Before the data source closes (onApplicationShutdown), so the local host can record its stop.
  async beforeApplicationShutdown(): Promise<void> {
    for (const p of this.providers) {
      await p.shutdown?.().catch((err: unknown) => this.log.error(`${p.type} provider did not stop cleanly: ${errorMessage(err)}`));
    }
  }
}

export interface CloudStagesModuleOptions {
  worker: boolean;
  /** The runtime's DataSource token (passed in so this lib needs neither runtime nor persistence). */
  dataSource: InjectionToken;
}

/**
 * The cloud layer in a Nest process: accounts, providers, registry, cluster lock, the cloud stage
 * plugin and the clusters/accounts services. Global, so the api's controllers can use the services.
 */
@Global()
@Module({})
export class CloudStagesModule {
  static forRoot(options: CloudStagesModuleOptions): DynamicModule {
    const log = new Logger('cloud');
    return {
      module: CloudStagesModule,
      providers: [
        { provide: CLOUD_SETTINGS, useFactory: () => readCloudSettings() },
        { provide: CLOUD_ACCOUNTS, inject: [CLOUD_SETTINGS], useFactory: (s: CloudSettings) => loadAccounts(s.accountsFile) },
        {
          provide: CLOUD_PROVIDERS,
          inject: [CLOUD_ACCOUNTS, CLOUD_SETTINGS, options.dataSource],
          useFactory: (accounts: RawAccount[], settings: CloudSettings, dataSource: DataSource) =>
            buildProviders(accounts, { dataSource, role: options.worker ? 'worker' : 'api', settings, log: { log: (m) => log.log(m), warn: (m) => log.warn(m), error: (m) => log.error(m) } }, PROVIDER_FACTORIES),
        },
        { provide: CLOUD_PROVIDER_REGISTRY, inject: [CLOUD_PROVIDERS], useFactory: (providers: CloudProvider[]) => new ProviderRegistry(providers) },
        { provide: CLUSTER_LOCK, inject: [options.dataSource], useFactory: (ds: DataSource) => new PostgresClusterLock(ds, { ownerAliveSql: EXECUTION_ALIVE_SQL }) },
        {
          provide: CLOUD_STAGES,
          inject: [CLOUD_PROVIDER_REGISTRY, CLUSTER_LOCK, CLOUD_SETTINGS],
          useFactory: (providers: CloudProviderRegistry, lock: ClusterLock, s: CloudSettings) => cloudStagesPlugin({ providers, lock, lockTtlMs: s.clusterLockTtlMs }),
        },
        { provide: LOCAL_METRICS_SOURCE, inject: [options.dataSource], useFactory: (ds: DataSource) => new LocalMetricsSource(ds) },
        ProviderLifecycle,
        ClustersService,
        AccountsService,
      ],
      exports: [CLOUD_STAGES, CLOUD_ACCOUNTS, CLOUD_PROVIDERS, CLOUD_PROVIDER_REGISTRY, CLUSTER_LOCK, LOCAL_METRICS_SOURCE, ClustersService, AccountsService],
    };
  }
}
