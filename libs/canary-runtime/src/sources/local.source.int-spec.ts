// The local provider's load-balancer metrics as a canary metric source: its LocalMetricsSource on a
// real local_metrics table, holding known request and error counts per server group and second,
// through the shared conformance suite.
import { CLOUD_ENTITIES, LocalMetricsSource, LocalProvider1764171000000, LocalStateRepository } from '@gennaker/cloud-local';
import { metricSourceSuite } from '@gennaker/metrics/testing';
import { afterAll } from 'vitest';
import { canaryTestDatabase } from '../testing/canary-test-database';
import { LocalMetricSource } from './local.source';

const START = Date.UTC(2026, 0, 1, 10, 0, 0);
let db: Awaited<ReturnType<typeof canaryTestDatabase>> | null = null;
afterAll(async () => {
  await db?.drop();
});

metricSourceSuite('local provider load-balancer metrics', async () => {
  db = await canaryTestDatabase(CLOUD_ENTITIES, [LocalProvider1764171000000]);
  const repo = new LocalStateRepository(db.ds);
  const rows = [];
  // 20 seconds: the canary answers 5xx to 4 or 6 of 20 requests (error_rate about 0.25); the
  // baseline to 1 of 20 (0.05). Another account's rows must not leak in.
  for (let s = 0; s < 20; s++) {
    const bucket = new Date(START + s * 1000);
    const counts = Array.from({ length: 16 }, () => 0);
    rows.push({ account: 'local', region: 'local', serverGroup: 'hello-canary-v002', bucket, requests: 20, errors: s % 2 === 0 ? 4 : 6, latencySumMs: 200, latencyCounts: counts });
    rows.push({ account: 'local', region: 'local', serverGroup: 'hello-baseline-v001', bucket, requests: 20, errors: 1, latencySumMs: 200, latencyCounts: counts });
    rows.push({ account: 'other', region: 'local', serverGroup: 'hello-none-v003', bucket, requests: 20, errors: 20, latencySumMs: 200, latencyCounts: counts });
  }
  await repo.addMetrics(rows);
  return {
    source: new LocalMetricSource(new LocalMetricsSource(db.ds)),
    query: { type: 'local', metric: 'error_rate' },
    window: { start: START, end: START + 20_000, stepMs: 2000 },
    scopes: { high: { scope: 'hello-canary-v002', location: 'local' }, low: { scope: 'hello-baseline-v001', location: 'local' }, empty: { scope: 'hello-none-v003', location: 'local', metricsAccount: 'local' } },
    expected: { high: 0.25, low: 0.05, tolerance: 0.001 },
    badQuery: { query: { type: 'local', metric: 'cpu' }, pointer: '/metric' },
  };
});
