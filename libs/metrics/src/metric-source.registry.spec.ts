import { describe, expect, it } from 'vitest';
import { MetricSourceRegistry } from './metric-source.registry';
import { InMemoryMetricSource } from './testing/in-memory-metric.source';

const base = () => ({
  name: 'cfg',
  metrics: [
    { name: 'errors', query: { type: 'mem', metric: 'errors' }, groups: ['Errors'] },
    { name: 'latency', query: { type: 'slow', metric: 'latency' }, groups: ['Latency'] },
  ],
  classifier: { groupWeights: { Errors: 60, Latency: 40 }, scoreThresholds: { marginal: 50, pass: 75 } },
});

describe('MetricSourceRegistry', () => {
  const registry = new MetricSourceRegistry([new InMemoryMetricSource('mem', () => 1, 100), new InMemoryMetricSource('slow', () => 1, 2500)]);

  it('refuses two sources of one type', () => {
    expect(() => new MetricSourceRegistry([new InMemoryMetricSource('a', () => 1), new InMemoryMetricSource('a', () => 1)])).toThrow(/two metric sources of type "a"/);
  });

  it('accepts a good config and knows how long its data takes', () => {
    expect(registry.validateConfig(base())).toEqual({ valid: true, errors: [] });
    expect(registry.readyDelayMs(base())).toBe(2500);
  });

  it('refuses the bad configs of issue 5 with pointers: weights over 100, unknown source, marginal above pass, no metrics', () => {
    const over = base();
    over.classifier.groupWeights = { Errors: 160, Latency: 40 };
    expect(registry.validateConfig(over).errors.map((e) => e.pointer)).toContain('/classifier/groupWeights/Errors');

    const unknown = base();
    unknown.metrics[1]!.query = { type: 'datadog', metric: 'x' };
    expect(registry.validateConfig(unknown).errors).toEqual([{ pointer: '/metrics/1/query/type', message: expect.stringContaining('known sources: mem, slow') }]);

    const inverted = base();
    inverted.classifier.scoreThresholds = { marginal: 90, pass: 75 };
    expect(registry.validateConfig(inverted).errors.map((e) => e.pointer)).toEqual(['/classifier/scoreThresholds/marginal']);

    const empty = { ...base(), metrics: [], classifier: { groupWeights: {} } };
    expect(registry.validateConfig(empty).errors.map((e) => e.pointer)).toContain('/metrics');
  });

  it('adds each source\'s own query checks under the metric, with a base for judge requests', () => {
    const bad = base();
    bad.metrics[0]!.query = { type: 'mem' } as never;
    expect(registry.validateConfig(bad, '/config').errors).toEqual([{ pointer: '/config/metrics/0/query/metric', message: 'metric is required' }]);
  });
});
