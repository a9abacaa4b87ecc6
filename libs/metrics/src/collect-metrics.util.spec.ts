import { InputError, TransientError } from '@gennaker/common';
import { describe, expect, it } from 'vitest';
import type { CanaryConfig } from '@gennaker/canary';
import { collectMetricData } from './collect-metrics.util';
import { MetricQueryError } from './metric-query.error';
import type { MetricScope } from './metric-source.port';
import { MetricSourceRegistry } from './metric-source.registry';
import { InMemoryMetricSource } from './testing/in-memory-metric.source';

const scope = (s: string, scopeName = 'default'): MetricScope => ({ scopeName, scope: s, location: 'r1', start: 0, end: 5000, stepMs: 1000, extendedScopeParams: {} });
const config: CanaryConfig = {
  name: 'cfg',
  metrics: [
    { name: 'a', query: { type: 'mem', metric: 'a' }, groups: ['g'] },
    { name: 'b', query: { type: 'mem', metric: 'b' }, groups: ['g'], scopeName: 'other' },
  ],
  classifier: { groupWeights: { g: 100 } },
};

describe('collectMetricData', () => {
  it('fetches each metric in the scope it names, for control and experiment', async () => {
    const source = new InMemoryMetricSource('mem', ({ scope: s, metric }) => (s === 'exp' ? 10 : 1) + (metric === 'b' ? 100 : 0));
    const data = await collectMetricData(new MetricSourceRegistry([source]), config, {
      default: { control: scope('ctl'), experiment: scope('exp') },
      other: { control: scope('ctl2', 'other'), experiment: scope('exp', 'other') },
    });
    expect(data.map((d) => [d.name, d.control[0], d.experiment[0]])).toEqual([
      ['a', 1, 10],
      ['b', 101, 110],
    ]);
    expect(data[1]?.queries.control).toContain('ctl2');
    expect(source.calls).toHaveLength(4);
  });

  it('names a scope the stage does not define', async () => {
    const source = new InMemoryMetricSource('mem', () => 1);
    await expect(collectMetricData(new MetricSourceRegistry([source]), config, { default: { control: scope('c'), experiment: scope('e') } })).rejects.toMatchObject({
      details: [{ pointer: '/metrics/1/scopeName' }],
    });
  });

  it('re-bases a source\'s query error onto the metric in the config; outages stay retryable', async () => {
    const source = new InMemoryMetricSource('mem', () => 1);
    const registry = new MetricSourceRegistry([source]);
    const scopes = { default: { control: scope('c'), experiment: scope('e') }, other: { control: scope('c'), experiment: scope('e') } };
    source.failNext = new MetricQueryError('bad template', '/customInlineTemplate');
    const err = await collectMetricData(registry, config, scopes, { concurrency: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).details).toEqual([{ pointer: '/metrics/0/query/customInlineTemplate', message: 'bad template' }]);
    source.failNext = new TransientError('prometheus is down');
    await expect(collectMetricData(registry, config, scopes, { concurrency: 1 })).rejects.toBeInstanceOf(TransientError);
  });
});
