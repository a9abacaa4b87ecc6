import { InputError } from '@gennaker/common';
import type { DataSource } from 'typeorm';
import { LocalStateRepository } from './local-state.repository';
import { aggregateMetric, LOCAL_METRICS, type LocalMetric } from './metrics.util';

/**
 * The local load balancers' request metrics per server group (request count, 5xx count, latency
 * histogram), for the canary's metric sources: `query(serverGroup, metric, start, end, step)`
 * answers one number per step (ms timestamps; NaN for a step without requests where a rate or
 * latency is asked).
 */
export class LocalMetricsSource {
  private readonly repo: LocalStateRepository;

  constructor(ds: DataSource) {
    this.repo = new LocalStateRepository(ds);
  }

  readonly metrics: readonly LocalMetric[] = LOCAL_METRICS;

  async query(serverGroup: string, metric: LocalMetric, start: number, end: number, stepMs: number, where: { account?: string; region?: string } = {}): Promise<number[]> {
    if (!(LOCAL_METRICS as readonly string[]).includes(metric)) {
      throw new InputError(`unknown local metric "${metric}"; known: ${LOCAL_METRICS.join(', ')}`, [{ pointer: '/metric', message: 'unknown metric' }]);
    }
    const rows = await this.repo.metrics({ account: where.account ?? 'local', region: where.region ?? 'local', serverGroup, start: new Date(start), end: new Date(end) });
    return aggregateMetric(
      rows.map((r) => ({ bucket: r.bucket.getTime(), requests: r.requests, errors: r.errors, latencySumMs: r.latencySumMs, latencyCounts: r.latencyCounts })),
      metric,
      start,
      end,
      stepMs,
    );
  }
}
