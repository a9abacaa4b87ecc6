import type { LocalMetric } from '@gennaker/cloud-local';
import type { ErrorDetail } from '@gennaker/common';
import type { MetricQueryInput, MetricSeries, MetricSource } from '@gennaker/metrics';

/** What the local provider offers (its LocalMetricsSource): per server group request metrics. */
export interface LocalMetricsPort {
  readonly metrics: readonly string[];
  query(serverGroup: string, metric: LocalMetric, start: number, end: number, stepMs: number, where?: { account?: string; region?: string }): Promise<number[]>;
}

/**
 * The local provider's load-balancer metrics: `{type: 'local', metric: 'error_rate'}` per server
 * group (requests, errors, error_rate, latency_mean, latency_p50...). The balancers write each
 * finished second within about a second, hence the ready delay.
 */
export class LocalMetricSource implements MetricSource {
  readonly type = 'local';

  constructor(
    private readonly local: LocalMetricsPort,
    readonly readyDelayMs = 2500,
  ) {}

  validateQuery(query: Readonly<Record<string, unknown>>): ErrorDetail[] {
    const metric = query['metric'];
    if (typeof metric !== 'string' || !this.local.metrics.includes(metric)) {
      return [{ pointer: '/metric', message: `metric must be one of ${this.local.metrics.join(', ')}; got ${JSON.stringify(metric)}` }];
    }
    return [];
  }

  async fetch(input: MetricQueryInput): Promise<MetricSeries> {
    const { scope } = input;
    const metric = String(input.query['metric']);
    const account = scope.metricsAccount ?? 'local';
    const region = scope.location || 'local';
    // validateQuery checked the name against the provider's list.
    const values = await this.local.query(scope.scope, metric as LocalMetric, scope.start, scope.end, scope.stepMs, { account, region });
    return { values, description: `local ${metric}{serverGroup="${scope.scope}", account="${account}", region="${region}"}` };
  }
}
