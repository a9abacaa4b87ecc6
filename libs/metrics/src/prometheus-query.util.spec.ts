import { describe, expect, it } from 'vitest';
import { MetricQueryError } from './metric-query.error';
import type { MetricScope } from './metric-source.port';
import { buildPromQl, parseQueryRange, PrometheusResponseError, queryRangeParams, validatePrometheusQuery } from './prometheus-query.util';

const scope: MetricScope = { scopeName: 'default', scope: 'hello-prod-canary-v001', location: 'local', start: 1_000_000, end: 1_010_000, stepMs: 2000, extendedScopeParams: {} };

describe('Prometheus queries', () => {
  it('expands an inline PromQL template (Kayenta\'s PromQL: prefix accepted)', () => {
    expect(buildPromQl({ type: 'prometheus', customInlineTemplate: 'PromQL: sum(rate(errors_total{group="${scope}"}[${step}]))' }, {}, scope)).toBe(
      'sum(rate(errors_total{group="hello-prod-canary-v001"}[2s]))',
    );
  });

  it('builds a selector from metricName with the scope and location labels, a filter template, or a custom filter', () => {
    expect(buildPromQl({ type: 'prometheus', metricName: 'up' }, {}, scope)).toBe('up{server_group="hello-prod-canary-v001",region="local"}');
    expect(buildPromQl({ type: 'prometheus', metricName: 'up', scopeLabel: 'asg', locationLabel: null, aggregation: 'avg' }, {}, scope)).toBe('avg(up{asg="hello-prod-canary-v001"})');
    expect(buildPromQl({ type: 'prometheus', metricName: 'up', customFilterTemplate: 'byGroup' }, { byGroup: 'job="svc",group="${scope}"' }, scope)).toBe('up{job="svc",group="hello-prod-canary-v001"}');
    expect(buildPromQl({ type: 'prometheus', metricName: 'up', customFilter: '{instance=~"${cluster}.*"}' }, {}, scope)).toBe('up{instance=~"hello-prod-canary.*"}');
  });

  it('refuses an unknown template variable with the pointer of the template field', () => {
    try {
      buildPromQl({ type: 'prometheus', customInlineTemplate: 'x{a="${nope}"}' }, {}, scope);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(MetricQueryError);
      expect((err as MetricQueryError).field).toBe('/customInlineTemplate');
    }
  });

  it('validates queries with pointers', () => {
    const t = { templates: { f: 'a="b"' } };
    expect(validatePrometheusQuery({ type: 'prometheus', customInlineTemplate: 'up' }, t)).toEqual([]);
    expect(validatePrometheusQuery({ type: 'prometheus' }, t).map((e) => e.pointer)).toEqual(['/customInlineTemplate']);
    expect(validatePrometheusQuery({ type: 'prometheus', metricName: 'bad name' }, t).map((e) => e.pointer)).toEqual(['/metricName']);
    expect(validatePrometheusQuery({ type: 'prometheus', metricName: 'up', customFilterTemplate: 'missing' }, t).map((e) => e.pointer)).toEqual(['/customFilterTemplate']);
    expect(validatePrometheusQuery({ type: 'prometheus', customInlineTemplate: 'up{a="${x"}' }, t).map((e) => e.pointer)).toEqual(['/customInlineTemplate']);
    expect(validatePrometheusQuery({ type: 'prometheus', metricName: 'up', aggregation: 'median', scopeLabel: '1x' }, t).map((e) => e.pointer).sort()).toEqual(['/aggregation', '/scopeLabel']);
  });

  it('asks query_range for exactly one point per step of [start, end)', () => {
    expect(queryRangeParams('up', scope)).toEqual({ query: 'up', start: '1000.000', end: '1008.000', step: '2' });
  });

  it('puts a matrix on the step grid: gaps and NaN as no data; no series is no data', () => {
    const body = { status: 'success', data: { resultType: 'matrix', result: [{ metric: { a: '1' }, values: [[1000, '1'], [1002, 'NaN'], [1006, '4.5'], [1008, '+Inf']] }] } };
    expect(parseQueryRange(body, scope).map((v) => (Number.isNaN(v) ? null : v))).toEqual([1, null, null, 4.5, null]);
    const none = parseQueryRange({ status: 'success', data: { resultType: 'matrix', result: [] } }, scope);
    expect(none).toHaveLength(5);
    expect(none.every(Number.isNaN)).toBe(true);
  });

  it('refuses several series (aggregate them), errors and non-matrix answers', () => {
    const two = { status: 'success', data: { resultType: 'matrix', result: [{ metric: { i: 'a' }, values: [] }, { metric: { i: 'b' }, values: [] }] } };
    expect(() => parseQueryRange(two, scope)).toThrow(/returned 2 series.*i="a".*aggregate/);
    expect(() => parseQueryRange({ status: 'error', errorType: 'bad_data', error: 'parse error at char 3' }, scope)).toThrow(PrometheusResponseError);
    expect(() => parseQueryRange({ status: 'success', data: { resultType: 'vector', result: [] } }, scope)).toThrow(/vector result, not a matrix/);
  });
});
