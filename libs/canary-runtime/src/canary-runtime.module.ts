import type { CloudProvider, CloudProviderRegistry, ClusterLock } from '@gennaker/cloud';
import type { MetricSourceRegistry } from '@gennaker/metrics';
import { Global, Module, type DynamicModule, type InjectionToken } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { canaryStagesPlugin } from './canary-stages.plugin';
import { readCanarySettings, type CanarySettings } from './canary-settings';
import { CanaryConfigService } from './services/canary-config.service';
import { CanaryJudgeService } from './services/canary-judge.service';
import { CanaryResultService } from './services/canary-result.service';
import type { LocalMetricsPort } from './sources/local.source';
import { buildMetricSources } from './sources/metric-sources.factory';
import { CanaryConfigRepository } from './store/canary-config.repository';
import { CanaryResultRepository } from './store/canary-result.repository';
import { CANARY_CONFIG_REPOSITORY, CANARY_RESULT_REPOSITORY, CANARY_SETTINGS, CANARY_STAGES, METRIC_SOURCES } from './tokens';

export interface CanaryRuntimeModuleOptions {
  /** The runtime's DataSource token (passed in so this lib needs neither runtime nor persistence). */
  dataSource: InjectionToken;
  /** The local provider's metrics (LocalMetricsSource), when the cloud layer runs. */
  localMetrics?: InjectionToken;
  /** The cloud provider registry and cluster lock, for canaries that deploy their groups. */
  cloudProviders?: InjectionToken;
  /** The running providers (CloudProvider[]): CloudWatch reuses the AWS provider's client factory. */
  providerList?: InjectionToken;
  clusterLock?: InjectionToken;
}

/**
 * Canary analysis in a Nest process: metric sources, config and result storage, the kayentaCanary
 * stage plugin, and the services the API's canary endpoints use. Global, so controllers see them.
 */
@Global()
@Module({})
export class CanaryRuntimeModule {
  static forRoot(o: CanaryRuntimeModuleOptions): DynamicModule {
    const optional = (token: InjectionToken | undefined): InjectionToken[] => (token ? [token] : []);
    return {
      module: CanaryRuntimeModule,
      providers: [
        { provide: CANARY_SETTINGS, useFactory: () => readCanarySettings() },
        {
          provide: METRIC_SOURCES,
          inject: [CANARY_SETTINGS, ...optional(o.localMetrics), ...optional(o.providerList)],
          useFactory: (settings: CanarySettings, ...rest: unknown[]) => {
            const local = o.localMetrics ? (rest.shift() as LocalMetricsPort) : null;
            const providers = o.providerList ? (rest.shift() as CloudProvider[]) : null;
            return buildMetricSources(settings, { localMetrics: local, cloudProviders: providers });
          },
        },
        { provide: CANARY_CONFIG_REPOSITORY, inject: [o.dataSource], useFactory: (ds: DataSource) => new CanaryConfigRepository(ds) },
        { provide: CANARY_RESULT_REPOSITORY, inject: [o.dataSource], useFactory: (ds: DataSource) => new CanaryResultRepository(ds) },
        {
          provide: CANARY_STAGES,
          inject: [CANARY_CONFIG_REPOSITORY, CANARY_RESULT_REPOSITORY, METRIC_SOURCES, ...optional(o.cloudProviders), ...optional(o.clusterLock)],
          useFactory: (configs: CanaryConfigRepository, results: CanaryResultRepository, sources: MetricSourceRegistry, ...rest: unknown[]) => {
            const cloud = o.cloudProviders ? (rest.shift() as CloudProviderRegistry) : null;
            const lock = o.clusterLock ? (rest.shift() as ClusterLock) : null;
            return canaryStagesPlugin({ configs, results, sources, cloud, lock });
          },
        },
        CanaryConfigService,
        CanaryJudgeService,
        CanaryResultService,
      ],
      exports: [CANARY_STAGES, METRIC_SOURCES, CANARY_CONFIG_REPOSITORY, CANARY_RESULT_REPOSITORY, CanaryConfigService, CanaryJudgeService, CanaryResultService],
    };
  }
}
