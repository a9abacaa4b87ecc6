import { metricSourceSuite } from './metric-source-suite';
import { InMemoryMetricSource } from './in-memory-metric.source';

// The suite against the simplest source: proves the suite itself passes a correct source.
metricSourceSuite('in memory', async () => ({
  source: new InMemoryMetricSource('mem', ({ scope, t }) => (scope === 'high-v001' ? 20 + (t % 3000) / 1000 : scope === 'low-v001' ? 5 + (t % 2000) / 1000 : Number.NaN)),
  query: { type: 'mem', metric: 'requests' },
  window: { start: 0, end: 20_000, stepMs: 1000 },
  scopes: { high: { scope: 'high-v001', location: 'r' }, low: { scope: 'low-v001', location: 'r' }, empty: { scope: 'none-v001', location: 'r' } },
  expected: { high: 21, low: 5.5, tolerance: 1 },
  badQuery: { query: { type: 'mem' }, pointer: '/metric' },
}));
