import { addCounts, emptyCounts, percentile } from './histogram.util';

/** What the local load balancers measure per server group, for canary metric sources. */
export const LOCAL_METRICS = ['requests', 'errors', 'error_rate', 'latency_mean', 'latency_p50', 'latency_p90', 'latency_p95', 'latency_p99'] as const;
export type LocalMetric = (typeof LOCAL_METRICS)[number];

export interface MetricBucket {
  /** Start of the second, ms. */
  bucket: number;
  requests: number;
  errors: number;
  latencySumMs: number;
  latencyCounts: number[];
}

/**
 * One value per step in [start, end): counts are summed (requests, errors), the others computed
 * over the step's requests; NaN where a step had no request (Kayenta's "no data"), 0 counts.
 */
export function aggregateMetric(rows: readonly MetricBucket[], metric: LocalMetric, start: number, end: number, stepMs: number): number[] {
  if (!(stepMs > 0) || end <= start) return [];
  const n = Math.ceil((end - start) / stepMs);
  const steps = Array.from({ length: n }, () => ({ requests: 0, errors: 0, latencySumMs: 0, counts: emptyCounts() }));
  for (const r of rows) {
    if (r.bucket < start || r.bucket >= end) continue;
    const s = steps[Math.floor((r.bucket - start) / stepMs)];
    if (!s) continue;
    s.requests += r.requests;
    s.errors += r.errors;
    s.latencySumMs += r.latencySumMs;
    addCounts(s.counts, r.latencyCounts);
  }
  return steps.map((s) => {
    switch (metric) {
      case 'requests':
        return s.requests;
      case 'errors':
        return s.errors;
      case 'error_rate':
        return s.requests === 0 ? Number.NaN : s.errors / s.requests;
      case 'latency_mean':
        return s.requests === 0 ? Number.NaN : s.latencySumMs / s.requests;
      case 'latency_p50':
        return percentile(s.counts, 50);
      case 'latency_p90':
        return percentile(s.counts, 90);
      case 'latency_p95':
        return percentile(s.counts, 95);
      case 'latency_p99':
        return percentile(s.counts, 99);
    }
  });
}
