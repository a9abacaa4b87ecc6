import { CLOUD_PROVIDERS } from '@gennaker/cloud-stages';
import { Global, Inject, Injectable, Module, Optional, type DynamicModule, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { bindAwsCallMetrics } from './aws-metrics.util';
import { EngineObserver } from './engine-observer.service';
import { loggerParams } from './logging.util';
import { metricsRegistry, type MetricsRegistry } from './metrics-registry';
import { readObservabilitySettings, type ObservabilitySettings } from './observability-settings';
import { QueueGauges } from './queue-gauges.service';
import { startTracing, type Tracing } from './tracing.util';
import { METRICS_REGISTRY, OBSERVABILITY_SETTINGS, TRACING } from './tokens';
import { WorkerMetricsServer } from './worker-metrics.server';

/** Counts the AWS provider's calls once the providers exist (none without AWS accounts). */
@Injectable()
class AwsMetricsBinder implements OnModuleInit, OnApplicationShutdown {
  private removers: Array<() => void> = [];
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: MetricsRegistry,
    @Optional() @Inject(CLOUD_PROVIDERS) private readonly providers: unknown[] | null,
  ) {}
  onModuleInit(): void {
    this.removers = bindAwsCallMetrics(this.providers ?? [], this.registry);
  }
  onApplicationShutdown(): void {
    for (const r of this.removers.splice(0)) r();
  }
}

/** Flushes the last spans on a clean stop. */
@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  constructor(@Inject(TRACING) private readonly tracing: Tracing | null) {}
  async onApplicationShutdown(): Promise<void> {
    await this.tracing?.shutdown().catch(() => undefined);
  }
}

export interface ObservabilityModuleOptions {
  role: 'api' | 'worker';
  settings?: Partial<ObservabilitySettings>;
}

/**
 * Logs, metrics and traces for an api or worker process. Import it once in the app module (it is
 * global); `main.ts` then makes nestjs-pino's `Logger` the app logger and, in the api, serves
 * `/metrics`.
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    const settings: ObservabilitySettings = { ...readObservabilitySettings(), ...options.settings };
    const service = `gennaker-${options.role}`;
    const providers: Provider[] = [
      { provide: OBSERVABILITY_SETTINGS, useValue: settings },
      { provide: METRICS_REGISTRY, useFactory: () => metricsRegistry() },
      { provide: TRACING, useFactory: () => startTracing(service, settings) },
      EngineObserver,
      QueueGauges,
      AwsMetricsBinder,
      TracingShutdown,
    ];
    if (options.role === 'worker') providers.push(WorkerMetricsServer);
    return {
      module: ObservabilityModule,
      imports: [LoggerModule.forRoot(loggerParams({ level: settings.logLevel, service }))],
      providers,
      exports: [OBSERVABILITY_SETTINGS, METRICS_REGISTRY, TRACING, ...(options.role === 'worker' ? [WorkerMetricsServer] : [])],
    };
  }
}
