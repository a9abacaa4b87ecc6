import { describe, expect, it } from 'vitest';
import { kayentaVectors } from './fixtures/fixtures';
import { classifyScore, roundHalfUp, scoreMetrics, type ScorableMetric } from './scorer.util';

describe('scoreMetrics: Kayenta test vectors (ScorerSuite)', () => {
  it('has the 13 scorer vectors', () => {
    expect(kayentaVectors.scorer).toHaveLength(13);
  });

  it.each(kayentaVectors.scorer.map((v, i) => [`#${i + 1} ${v.metrics.map((m) => `${m.group}:${m.classification}${m.critical ? '!' : ''}`).join(' ')}`, v] as const))(
    '%s',
    (_name, v) => {
      const metrics: ScorableMetric[] = v.metrics.map((m) => ({ classification: m.classification, groups: [m.group], critical: m.critical }));
      expect(scoreMetrics(metrics, v.groupWeights).score).toBeCloseTo(v.expectedScore, 10);
    },
  );
});

describe('scoreMetrics', () => {
  const metric = (classification: ScorableMetric['classification'], groups: string[], critical = false): ScorableMetric => ({ classification, groups, critical });

  it('shares what is left of 100 among groups without a weight', () => {
    const result = scoreMetrics([metric('Pass', ['a']), metric('High', ['b']), metric('Pass', ['c'])], { a: 50 });
    expect(result.groups.map((g) => [g.name, g.weight])).toEqual([
      ['a', 50],
      ['b', 25],
      ['c', 25],
    ]);
    expect(result.score).toBe(75);
  });

  it('counts a metric in every group it belongs to', () => {
    const result = scoreMetrics([metric('High', ['a', 'b']), metric('Pass', ['b'])], { a: 40, b: 60 });
    expect(result.groups.find((g) => g.name === 'a')?.score).toBe(0);
    expect(result.groups.find((g) => g.name === 'b')?.score).toBe(50);
    expect(result.score).toBe(30);
  });

  it('counts NodataFailMetric as a failure and ignores Error', () => {
    const result = scoreMetrics([metric('Pass', ['a']), metric('NodataFailMetric', ['a']), metric('Error', ['a'])], null);
    expect(result.groups[0]?.score).toBe(50);
    expect(result.groups[0]?.labelCounts).toEqual({ Pass: 1, NodataFailMetric: 1, Error: 1 });
  });

  it('forces 0 with a reason when half the metrics have no data', () => {
    const result = scoreMetrics([metric('Pass', ['a']), metric('Nodata', ['a'])], null);
    expect(result.score).toBe(0);
    expect(result.reason).toMatch(/50% or more metrics returned NODATA/);
  });

  it('forces 0 with the critical metric\'s reason when it fails', () => {
    const result = scoreMetrics([metric('Pass', ['a']), { ...metric('High', ['a'], true), reason: 'latency was classified as High (Critical)' }], null);
    expect(result.score).toBe(0);
    expect(result.reason).toBe('Canary Failed: latency was classified as High (Critical)');
  });

  it('does not let a group named like an Object.prototype member pick up a weight', () => {
    const result = scoreMetrics([metric('Pass', ['toString']), metric('High', ['a'])], { a: 40 });
    expect(result.groups.find((g) => g.name === 'toString')?.weight).toBe(60);
    expect(result.score).toBe(60);
  });
});

describe('roundHalfUp (Java BigDecimal HALF_UP on Double.toString)', () => {
  it.each([
    [33.333333333333336, 33.33],
    [66.66666666666667, 66.67],
    [1.005, 1.01],
    [2.675, 2.68],
    [0.125, 0.13],
    [0.004, 0],
    [0.005, 0.01],
    [99.995, 100],
    [100, 100],
    [-1.005, -1.01],
    [1e-20, 0],
  ])('%s -> %s', (value, expected) => {
    expect(roundHalfUp(value, 2)).toBe(expected);
  });
});

describe('classifyScore', () => {
  it('compares with the pass and marginal thresholds, inclusive', () => {
    const thresholds = { marginal: 50, pass: 75 };
    expect(classifyScore(75, thresholds)).toBe('Pass');
    expect(classifyScore(74.99, thresholds)).toBe('Marginal');
    expect(classifyScore(50, thresholds)).toBe('Marginal');
    expect(classifyScore(49.99, thresholds)).toBe('Fail');
  });
});
