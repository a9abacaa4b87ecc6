import { AuthModule } from '@gennaker/auth';
import { CANARY_STAGES, CanaryRuntimeModule } from '@gennaker/canary-runtime';
import { CLOUD_PROVIDER_REGISTRY, CLOUD_PROVIDERS, CLOUD_STAGES, CloudStagesModule, CLUSTER_LOCK, LOCAL_METRICS_SOURCE } from '@gennaker/cloud-stages';
import { ConfigsModule } from '@gennaker/configs';
import { DATA_SOURCE, RuntimeModule } from '@gennaker/runtime';
import { CORE_STAGES, CoreStagesModule } from '@gennaker/stages';
import { TriggerRuntimeModule } from '@gennaker/trigger-runtime';
import type { DynamicModule } from '@nestjs/common';
import { SCHEMA_ENTITIES, SCHEMA_MIGRATIONS } from './database-schema';

/**
 * The modules every Gennaker process loads. api and worker get the same stage registry, so a
 * pipeline the api accepts is one the worker can run.
 */
export function platformModules(options: { worker: boolean }): DynamicModule['imports'] {
  return [
    RuntimeModule.forRoot({
      worker: options.worker,
      pluginModules: [
        CoreStagesModule,
        CloudStagesModule.forRoot({ worker: options.worker, dataSource: DATA_SOURCE }),
        // Canary analysis (issue 5): metric sources over the local provider's metrics, deployments over the cloud port.
        CanaryRuntimeModule.forRoot({ dataSource: DATA_SOURCE, localMetrics: LOCAL_METRICS_SOURCE, cloudProviders: CLOUD_PROVIDER_REGISTRY, providerList: CLOUD_PROVIDERS, clusterLock: CLUSTER_LOCK }),
      ],
      pluginTokens: [CORE_STAGES, CLOUD_STAGES, CANARY_STAGES],
      schema: { entities: SCHEMA_ENTITIES, migrations: SCHEMA_MIGRATIONS },
    }),
    ConfigsModule,
    TriggerRuntimeModule.forRoot({ worker: options.worker }),
    AuthModule,
  ];
}
