// The conformance suite every MetricSource runs (Prometheus against a real server, CloudWatch
// against client mocks and moto, the local provider against its metrics table): the same
// promises, checked the same way. TEST ONLY.
import { judge, type CanaryConfig } from '@gennaker/canary';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectMetricData } from '../collect-metrics.util';
import type { MetricScope, MetricSource } from '../metric-source.port';
import { MetricSourceRegistry } from '../metric-source.registry';
import { stepCount } from '../series.util';

export interface FixtureScope {
  scope: string;
  location: string;
  metricsAccount?: string;
}

export interface MetricSourceFixture {
  source: MetricSource;
  /** A query whose value per step is known (about `expected.high` / `expected.low`) in the scopes below. */
  query: Record<string, unknown>;
  /** A window in which the scopes have data in every step. */
  window: { start: number; end: number; stepMs: number };
  scopes: { high: FixtureScope; low: FixtureScope; empty: FixtureScope };
  expected: { high: number; low: number; tolerance: number };
  /** A query its source must refuse, and the pointer (relative to the query) it must name. */
  badQuery: { query: Record<string, unknown>; pointer: string };
  /** Steps at the edges of the window that may lack data (a scrape not yet taken). */
  edgeStepsWithoutData?: number;
}

function scopeOf(f: MetricSourceFixture, s: FixtureScope, scopeName = 'default'): MetricScope {
  return { scopeName, scope: s.scope, location: s.location, start: f.window.start, end: f.window.end, stepMs: f.window.stepMs, extendedScopeParams: {}, ...(s.metricsAccount ? { metricsAccount: s.metricsAccount } : {}) };
}

function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

export function metricSourceSuite(name: string, setup: () => Promise<MetricSourceFixture | null>, teardown?: () => Promise<void>): void {
  describe(`MetricSource conformance: ${name}`, () => {
    let f: MetricSourceFixture | null = null;
    beforeAll(async () => {
      f = await setup();
    });
    afterAll(async () => {
      await teardown?.();
    });
    const fx = (): MetricSourceFixture => {
      if (!f) throw new Error('fixture not set up');
      return f;
    };

    it('names its type and how long its data takes to be complete', () => {
      if (!f) return;
      expect(fx().source.type).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(fx().source.readyDelayMs).toBeGreaterThanOrEqual(0);
    });

    it('answers one value per step, with the known level of each scope', async () => {
      if (!f) return;
      const { source, query, window, expected } = fx();
      const n = stepCount(window.start, window.end, window.stepMs);
      const high = await source.fetch({ query, templates: {}, scope: scopeOf(fx(), fx().scopes.high) });
      const low = await source.fetch({ query, templates: {}, scope: scopeOf(fx(), fx().scopes.low) });
      for (const series of [high, low]) {
        expect(series.values).toHaveLength(n);
        const finite = series.values.filter((v) => Number.isFinite(v)).length;
        expect(finite).toBeGreaterThanOrEqual(n - 2 * (fx().edgeStepsWithoutData ?? 0));
      }
      expect(Math.abs(median(high.values) - expected.high)).toBeLessThanOrEqual(expected.tolerance);
      expect(Math.abs(median(low.values) - expected.low)).toBeLessThanOrEqual(expected.tolerance);
      // The report shows what was asked: the query names its scope.
      expect(high.description).toContain(fx().scopes.high.scope);
    });

    it('answers no data (NaN, never a made-up number) for a scope that has none', async () => {
      if (!f) return;
      const { source, query, window } = fx();
      const series = await source.fetch({ query, templates: {}, scope: scopeOf(fx(), fx().scopes.empty) });
      expect(series.values).toHaveLength(stepCount(window.start, window.end, window.stepMs));
      expect(series.values.every((v) => Number.isNaN(v))).toBe(true);
    });

    it('refuses a bad query with the pointer of the field', () => {
      if (!f) return;
      const errors = fx().source.validateQuery(fx().badQuery.query, { templates: {} });
      expect(errors.map((e) => e.pointer)).toContain(fx().badQuery.pointer);
      expect(fx().source.validateQuery(fx().query, { templates: {} })).toEqual([]);
    });

    it('feeds the judge through collectMetricData: the higher scope as experiment is classified High', async () => {
      if (!f) return;
      const registry = new MetricSourceRegistry([fx().source]);
      const config: CanaryConfig = {
        name: 'conformance',
        metrics: [{ name: 'm', query: fx().query, groups: ['g'] }],
        classifier: { groupWeights: { g: 100 }, scoreThresholds: { marginal: 50, pass: 75 } },
      };
      expect(registry.validateConfig(config).errors).toEqual([]);
      const data = await collectMetricData(registry, config, { default: { control: scopeOf(fx(), fx().scopes.low), experiment: scopeOf(fx(), fx().scopes.high) } });
      expect(data[0]?.queries.experiment).toContain(fx().scopes.high.scope);
      const result = judge(config, data);
      expect(result.metrics[0]?.classification).toBe('High');
      expect(result.classification).toBe('Fail');
      const same = judge(config, await collectMetricData(registry, config, { default: { control: scopeOf(fx(), fx().scopes.high), experiment: scopeOf(fx(), fx().scopes.high) } }));
      expect(same.metrics[0]?.classification).toBe('Pass');
    });
  });
}
