import { describe, expect, it } from 'vitest';
import type { CanaryConfig, CanaryMetricAnalysisConfig } from './canary-config';
import { rCases } from './fixtures/fixtures';
import { CanaryJudgeInputError, judge, type MetricData } from './judge';
import { seededGaussian, seededUniform } from './preprocess.util';

const normal = seededGaussian(seededUniform(7));
function sample(n: number, mean: number, sd: number): number[] {
  return Array.from({ length: n }, () => mean + sd * normal());
}

function metric(name: string, groups: string[], canary: CanaryMetricAnalysisConfig = {}): CanaryConfig['metrics'][number] {
  return { name, query: { type: 'prometheus', expr: name }, groups, analysisConfigurations: { canary } };
}

function config(metrics: CanaryConfig['metrics'], groupWeights: Record<string, number>): CanaryConfig {
  return { name: 'judge-spec', metrics, classifier: { groupWeights } };
}

// Three steady metrics; "latency" can be made to regress.
const latencyControl = sample(300, 100, 5);
const latencySame = sample(300, 100, 5);
const latencyHigh = sample(300, 140, 5);
const cpuControl = sample(300, 0.4, 0.02);
const cpuSame = sample(300, 0.4, 0.02);
const errorsControl = sample(300, 2, 0.1);
const errorsSame = sample(300, 2, 0.1);

const baseMetrics = [metric('latency', ['latency'], { direction: 'increase' }), metric('cpu', ['system']), metric('errors', ['errors'])];
const weights = { latency: 40, system: 30, errors: 30 };

function data(latencyExperiment: number[]): MetricData[] {
  return [
    { name: 'latency', control: latencyControl, experiment: latencyExperiment },
    { name: 'cpu', control: cpuControl, experiment: cpuSame },
    { name: 'errors', control: errorsControl, experiment: errorsSame },
  ];
}

describe('judge', () => {
  it('passes a canary that behaves like the baseline, with each metric\'s interval, estimate and p-value', () => {
    const result = judge(config(baseMetrics, weights), data(latencySame));
    expect(result.classification).toBe('Pass');
    expect(result.score).toBe(100);
    expect(result.confidenceLevel).toBe(0.98);
    expect(result.groups).toEqual([
      { name: 'latency', score: 100, weight: 40, metricCount: 1 },
      { name: 'system', score: 100, weight: 30, metricCount: 1 },
      { name: 'errors', score: 100, weight: 30, metricCount: 1 },
    ]);
    const latency = result.metrics[0];
    expect(latency?.classification).toBe('Pass');
    const [lower, upper] = latency?.interval ?? [Number.NaN, Number.NaN];
    expect(lower).toBeLessThan(0);
    expect(upper).toBeGreaterThan(0);
    expect(Math.abs(latency?.estimate ?? Number.NaN)).toBeLessThan(2);
    expect(latency?.pValue).toBeGreaterThan(0.02);
    expect(latency?.deviation).toBeCloseTo(1, 1);
    expect(latency?.controlStats.count).toBe(300);
    expect(latency?.controlStats.mean).toBeCloseTo(100, 0);
  });

  it('reports the interval and p-value R gives for the same data at the judge\'s 98%', () => {
    const c = rCases.cases.find((k) => k.id === 'large-1000');
    if (!c) throw new Error('case missing');
    const result = judge(config([metric('latency', ['latency'])], { latency: 100 }), [{ name: 'latency', control: c.y, experiment: c.x }]);
    const m = result.metrics[0];
    expect(c.confidenceLevel).toBe(0.98);
    expect(Math.abs((m?.interval?.[0] ?? Number.NaN) - c.expected.lowerConfidence)).toBeLessThan(1e-9);
    expect(Math.abs((m?.interval?.[1] ?? Number.NaN) - c.expected.upperConfidence)).toBeLessThan(1e-9);
    expect(Math.abs((m?.pValue ?? Number.NaN) - c.expected.pValue) / c.expected.pValue).toBeLessThan(1e-12);
  });

  it('scores a regression by group weight and classifies against the thresholds', () => {
    const result = judge(config(baseMetrics, weights), data(latencyHigh), { scoreThresholds: { marginal: 50, pass: 75 } });
    expect(result.metrics[0]?.classification).toBe('High');
    expect(result.metrics[0]?.deviation).toBeCloseTo(1.4, 1);
    expect(result.score).toBe(60);
    expect(result.classification).toBe('Marginal');
    expect(judge(config(baseMetrics, weights), data(latencyHigh)).classification).toBe('Fail');
  });

  it('takes thresholds from the config when the options give none', () => {
    const withThresholds = { ...config(baseMetrics, weights), classifier: { groupWeights: weights, scoreThresholds: { marginal: 40, pass: 60 } } };
    const result = judge(withThresholds, data(latencyHigh));
    expect(result.scoreThresholds).toEqual({ marginal: 40, pass: 60 });
    expect(result.classification).toBe('Pass');
  });

  it('forces 0 when a critical metric fails, and says which', () => {
    const metrics = [metric('latency', ['latency'], { direction: 'increase', critical: true }), ...baseMetrics.slice(1)];
    const result = judge(config(metrics, weights), data(latencyHigh));
    expect(result.score).toBe(0);
    expect(result.classification).toBe('Fail');
    expect(result.reason).toBe('Canary Failed: The metric latency was classified as High (Critical)');
    expect(result.metrics[0]).toMatchObject({ classification: 'High', critical: true, criticalMetric: true });
    // The groups still show what happened.
    expect(result.groups.find((g) => g.name === 'system')?.score).toBe(100);
  });

  it('reports a dry-run metric but never lets it fail the canary', () => {
    const metrics = [metric('latency', ['latency'], { direction: 'increase', critical: true, dryRun: true }), ...baseMetrics.slice(1)];
    const result = judge(config(metrics, { system: 50, errors: 50 }), data(latencyHigh));
    expect(result.metrics[0]).toMatchObject({ name: 'latency', classification: 'High', dryRun: true, critical: true });
    expect(result.score).toBe(100);
    expect(result.classification).toBe('Pass');
    expect(result.groups.map((g) => g.name)).toEqual(['system', 'errors']);
  });

  it('returns NoData, not a pass, for an interval with no traffic', () => {
    const metrics = [
      metric('latency', ['latency'], { nanStrategy: 'replace' }),
      metric('cpu', ['system'], { nanStrategy: 'replace' }),
      metric('errors', ['errors']),
    ];
    const empty: MetricData[] = [
      { name: 'latency', control: [], experiment: [] },
      { name: 'cpu', control: [Number.NaN, Number.NaN], experiment: [Number.NaN] },
    ];
    const result = judge(config(metrics, weights), empty);
    expect(result.classification).toBe('NoData');
    expect(result.score).toBe(0);
    expect(result.reason).toBe('No data: none of the 3 scored metrics has both control and experiment data in this interval');
    // Kayenta's classifier still reads "replace" + empty as Pass; only the summary refuses to call it one.
    expect(result.metrics.map((m) => [m.classification, m.hasData])).toEqual([
      ['Pass', false],
      ['Pass', false],
      ['Nodata', false],
    ]);
    expect(judge(config(metrics, weights), []).classification).toBe('NoData');
  });

  it('returns NoData when every metric is dry-run', () => {
    const metrics = baseMetrics.map((m) => ({ ...m, analysisConfigurations: { canary: { dryRun: true } } }));
    const result = judge(config(metrics, weights), data(latencyHigh));
    expect(result.classification).toBe('NoData');
    expect(result.reason).toMatch(/dry-run/);
    expect(result.metrics[0]?.classification).toBe('High');
  });

  it('fails with 0 when half the metrics return no data', () => {
    const partial: MetricData[] = [{ name: 'latency', control: latencyControl, experiment: latencySame }];
    const metrics = [...baseMetrics.slice(0, 2), metric('errors', ['errors'])];
    const result = judge(config(metrics, weights), partial);
    expect(result.metrics.map((m) => m.classification)).toEqual(['Pass', 'Nodata', 'Nodata']);
    expect(result.score).toBe(0);
    expect(result.reason).toBe('Canary Failed: 50% or more metrics returned NODATA');
    expect(result.classification).toBe('Fail');
  });

  it('lets a missing required metric count as a failure in its group (NodataFailMetric)', () => {
    const metrics = [...baseMetrics.slice(0, 2), metric('errors', ['errors'], { mustHaveData: true })];
    const result = judge(config(metrics, weights), data(latencySame).slice(0, 2), { scoreThresholds: { marginal: 50, pass: 75 } });
    expect(result.metrics[2]?.classification).toBe('NodataFailMetric');
    expect(result.score).toBe(70);
    expect(result.classification).toBe('Marginal');
  });

  it('rounds the summary half-up to 2 decimals', () => {
    const metrics = [metric('latency', ['g']), metric('cpu', ['g']), metric('errors', ['g'])];
    const result = judge(config(metrics, { g: 100 }), data(latencyHigh));
    expect(result.score).toBe(66.67);
  });

  it('applies NaN handling and outlier removal before comparing', () => {
    const spiky = [...latencySame.slice(0, 295), 10_000, 12_000, Number.NaN, Number.NaN, 11_000];
    const metrics = [metric('latency', ['latency'], { outliers: { strategy: 'remove' } }), ...baseMetrics.slice(1)];
    const result = judge(config(metrics, weights), data(spiky));
    expect(result.metrics[0]?.experimentStats.count).toBe(295);
    expect(result.metrics[0]?.experimentStats.max).toBeLessThan(200);
    expect(result.metrics[0]?.classification).toBe('Pass');
    const kept = judge(config(baseMetrics, weights), data(spiky));
    expect(kept.metrics[0]?.experimentStats.count).toBe(298);
  });

  it('reads null values from JSON as gaps', () => {
    const withNulls = JSON.parse(JSON.stringify(data(latencySame).map((d) => ({ ...d, experiment: [null, ...d.experiment] })))) as MetricData[];
    const result = judge(config(baseMetrics, weights), withNulls);
    expect(result.metrics[0]?.experimentStats.count).toBe(300);
    expect(result.classification).toBe('Pass');
  });

  it('widens the interval with the confidence level', () => {
    const at98 = judge(config(baseMetrics, weights), data(latencySame)).metrics[0]?.interval ?? [0, 0];
    const at80 = judge(config(baseMetrics, weights), data(latencySame), { confidenceLevel: 0.8 }).metrics[0]?.interval ?? [0, 0];
    expect(at98[1] - at98[0]).toBeGreaterThan(at80[1] - at80[0]);
  });

  it('is deterministic', () => {
    const constant: MetricData[] = [{ name: 'latency', control: [5, 5, 5, 5], experiment: [9, 9, 9, 9] }];
    const a = judge(config([metric('latency', ['latency'])], { latency: 100 }), constant);
    const b = judge(config([metric('latency', ['latency'])], { latency: 100 }), constant);
    expect(a).toEqual(b);
    expect(a.metrics[0]?.classification).toBe('High');
  });

  it('refuses data for unknown metrics, a bad confidence level and bad thresholds, with pointers', () => {
    const cfg = config(baseMetrics, weights);
    const call = (): unknown =>
      judge(cfg, [{ name: 'latency', control: [1], experiment: [2] }, { name: 'memory', control: [1], experiment: [2] }], {
        confidenceLevel: 1.2,
        scoreThresholds: { marginal: 80, pass: 70 },
      });
    expect(call).toThrow(CanaryJudgeInputError);
    try {
      call();
    } catch (error) {
      expect((error as CanaryJudgeInputError).errors.map((e) => e.pointer)).toEqual(['/metrics/1/name', '/confidenceLevel', '/scoreThresholds/marginal']);
    }
  });
});
