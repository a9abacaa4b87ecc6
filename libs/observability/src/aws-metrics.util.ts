import { gennakerMetrics } from './gennaker-metrics';
import type { MetricsRegistry } from './metrics-registry';

/** The shape of one AWS call as `@gennaker/cloud-aws`'s `AwsCallStats` reports it. */
export interface AwsCallLike {
  service: string;
  operation: string;
  account: string;
  region: string;
  attempts: number;
  error?: string;
}

/** What the AWS provider exposes (duck-typed: this lib does not import the AWS SDK's provider). */
interface AwsProviderLike {
  type: string;
  factory?: {
    stats?: { onCall(listener: (r: AwsCallLike) => void): () => void };
    limiterStats?(): Record<string, { throttled: number }>;
  };
}

const THROTTLE = /throttl|TooManyRequests|RequestLimitExceeded|SlowDown/i;

/**
 * Counts AWS calls of every provider that has an AWS client factory: calls and attempts by
 * account, region, service and operation, and throttling answers per account and region (from
 * the shared limiter when it reports them, else from the calls' error codes).
 */
export function bindAwsCallMetrics(providers: readonly unknown[], registry: MetricsRegistry): Array<() => void> {
  const m = gennakerMetrics(registry);
  const removers: Array<() => void> = [];
  for (const p of providers as AwsProviderLike[]) {
    const stats = p?.factory?.stats;
    if (!stats || typeof stats.onCall !== 'function') continue;
    const factory = p.factory;
    const limiter = typeof factory?.limiterStats === 'function';
    removers.push(
      stats.onCall((r) => {
        const base = { account: r.account, region: r.region, service: r.service, operation: r.operation };
        m.awsCalls.inc({ ...base, outcome: r.error ? (THROTTLE.test(r.error) ? 'throttled' : 'error') : 'ok' });
        m.awsAttempts.inc(base, r.attempts);
        if (!limiter && r.error && THROTTLE.test(r.error)) m.awsThrottles.inc({ account: r.account, region: r.region });
      }),
    );
    if (limiter) {
      const seen = new Map<string, number>();
      // The limiter counts every throttled attempt, retried ones too: add what is new at each scrape.
      removers.push(registry.onScrape(() => {
        for (const [key, s] of Object.entries(factory?.limiterStats?.() ?? {})) {
          const [account = '', region = ''] = key.split('/');
          const delta = s.throttled - (seen.get(key) ?? 0);
          if (delta > 0) m.awsThrottles.inc({ account, region }, delta);
          seen.set(key, s.throttled);
        }
      }));
    }
  }
  return removers;
}
