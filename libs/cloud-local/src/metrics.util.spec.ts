import { describe, expect, it } from 'vitest';
import { bucketIndex, emptyCounts } from './histogram.util';
import { aggregateMetric, type MetricBucket } from './metrics.util';

function b(second: number, requests: number, errors: number, latency: number): MetricBucket {
  const counts = emptyCounts();
  counts[bucketIndex(latency)] = requests;
  return { bucket: second * 1000, requests, errors, latencySumMs: latency * requests, latencyCounts: counts };
}

describe('aggregateMetric', () => {
  const rows = [b(0, 10, 1, 8), b(1, 10, 0, 8), b(5, 20, 5, 90), b(12, 4, 0, 3)];

  it('sums counts per step and leaves empty steps at 0', () => {
    expect(aggregateMetric(rows, 'requests', 0, 15_000, 5000)).toEqual([20, 20, 4]);
    expect(aggregateMetric(rows, 'errors', 0, 15_000, 5000)).toEqual([1, 5, 0]);
    expect(aggregateMetric(rows, 'requests', 0, 20_000, 5000)).toEqual([20, 20, 4, 0]);
  });

  it('rates and latencies per step, NaN where there was no request', () => {
    expect(aggregateMetric(rows, 'error_rate', 0, 20_000, 5000)).toEqual([0.05, 0.25, 0, Number.NaN]);
    expect(aggregateMetric(rows, 'latency_mean', 0, 10_000, 5000)).toEqual([8, 90]);
    const p99 = aggregateMetric(rows, 'latency_p99', 0, 10_000, 5000);
    expect(p99[0]).toBeGreaterThan(5);
    expect(p99[0]).toBeLessThanOrEqual(10);
    expect(p99[1]).toBeGreaterThan(75);
    expect(p99[1]).toBeLessThanOrEqual(100);
  });

  it('ignores rows outside the window and answers nothing for an empty window', () => {
    expect(aggregateMetric(rows, 'requests', 1000, 2000, 1000)).toEqual([10]);
    expect(aggregateMetric(rows, 'requests', 5000, 5000, 1000)).toEqual([]);
  });
});
