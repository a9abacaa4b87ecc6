import { describe, expect, it } from 'vitest';
import { kayentaVectors, rCases } from './fixtures/fixtures';
import { mannWhitney, MannWhitneyError, wilcoxonDiff } from './mann-whitney.util';
import { normalQuantile } from './normal-distribution.util';

function expectClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected} (tolerance ${tolerance})`).toBeLessThanOrEqual(tolerance);
}

function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

describe('mannWhitney: Kayenta test vectors (MannWhitneySuite)', () => {
  const intervalCases = kayentaVectors.mannWhitney.filter((v) => v.expectedCI !== undefined);

  it('has the four interval vectors', () => {
    expect(intervalCases).toHaveLength(4);
  });

  it.each(intervalCases.map((v) => [v.test, v] as const))('%s', (_name, v) => {
    const result = mannWhitney(v.x, v.y, v.confidenceLevel ?? 0.95);
    const [lower, upper] = v.expectedCI ?? [Number.NaN, Number.NaN];
    expectClose(result.lowerConfidence, lower, v.ciTol ?? 1e-6);
    expectClose(result.upperConfidence, upper, v.ciTol ?? 1e-6);
    expectClose(result.estimate, v.expectedEstimate ?? Number.NaN, v.estimateTol ?? 1e-6);
  });

  it('Mann-Whitney Intermediate Values / Variables: bounds, quantiles, each end on its own (lower > upper)', () => {
    const v = kayentaVectors.mannWhitney.find((c) => c.test === 'Mann-Whitney Intermediate Values / Variables');
    if (!v?.expected) throw new Error('vector missing');
    const e = v.expected;
    const tol = v.tol ?? 1e-6;
    const alpha = 1 - (v.confidenceLevel ?? 0.95);
    const muMin = Math.min(...v.x) - Math.max(...v.y);
    const muMax = Math.max(...v.x) - Math.min(...v.y);
    const zqLower = normalQuantile(alpha / 2, false);
    const zqUpper = normalQuantile(alpha / 2);
    expectClose(muMin, e['muMin'] ?? Number.NaN, tol);
    expectClose(muMax, e['muMax'] ?? Number.NaN, tol);
    expectClose(zqLower, e['zqLower'] ?? Number.NaN, tol);
    expectClose(zqUpper, e['zqUpper'] ?? Number.NaN, tol);
    expectClose(wilcoxonDiff(muMin, zqLower, v.x, v.y), e['wilcoxonDiff_muMin_zqLower'] ?? Number.NaN, tol);
    expectClose(wilcoxonDiff(muMax, zqLower, v.x, v.y), e['wilcoxonDiff_muMax_zqLower'] ?? Number.NaN, tol);
    expectClose(wilcoxonDiff(muMin, zqUpper, v.x, v.y), e['wilcoxonDiff_muMin_zqUpper'] ?? Number.NaN, tol);
    expectClose(wilcoxonDiff(muMax, zqUpper, v.x, v.y), e['wilcoxonDiff_muMax_zqUpper'] ?? Number.NaN, tol);

    const result = mannWhitney(v.x, v.y, v.confidenceLevel ?? 0.95);
    expectClose(result.lowerConfidence, e['ciLower'] ?? Number.NaN, tol);
    expectClose(result.upperConfidence, e['ciUpper'] ?? Number.NaN, tol);
    expectClose(result.estimate, e['estimate'] ?? Number.NaN, tol);
    // Kayenta's heavy-ties behaviour, kept on purpose.
    expect(result.lowerConfidence).toBeGreaterThan(result.upperConfidence);
  });

  it('Wilcoxon Diff Function', () => {
    const v = kayentaVectors.mannWhitney.find((c) => c.test === 'Wilcoxon Diff Function');
    if (!v?.expected) throw new Error('vector missing');
    expectClose(wilcoxonDiff(0, 0, v.x, v.y), v.expected['wilcoxonDiff(mu=0,zq=0)'] ?? Number.NaN, v.tol ?? 1e-6);
    expectClose(wilcoxonDiff(5, 0, v.x, v.y), v.expected['wilcoxonDiff(mu=5,zq=0)'] ?? Number.NaN, v.tol ?? 1e-6);
  });
});

describe('mannWhitney: cases computed with R (fixtures/r-cases.json)', () => {
  it('covers ties, 1,000-point samples, exact p-values and an inverted interval', () => {
    const cases = rCases.cases;
    expect(cases.length).toBeGreaterThanOrEqual(8);
    expect(cases.some((c) => c.x.length >= 1000 && c.y.length >= 800)).toBe(true);
    expect(cases.filter((c) => c.expected.pValueMethod === 'Wilcoxon rank sum exact test').length).toBeGreaterThanOrEqual(3);
    expect(cases.some((c) => c.expected.lowerConfidence > c.expected.upperConfidence)).toBe(true);
  });

  it.each(rCases.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const result = mannWhitney(c.x, c.y, c.confidenceLevel, c.mu);
    // Same algorithm, same floating-point steps: the interval agrees with R to rounding.
    const ciTolerance = 1e-9 * Math.max(1, Math.abs(c.expected.lowerConfidence), Math.abs(c.expected.upperConfidence));
    expectClose(result.lowerConfidence, c.expected.lowerConfidence, ciTolerance);
    expectClose(result.upperConfidence, c.expected.upperConfidence, ciTolerance);
    // Kayenta's estimate keeps the continuity correction; R's helper reproduces it.
    expectClose(result.estimate, c.expected.estimateCorrected, 1e-9 * Math.max(1, Math.abs(c.expected.estimateCorrected)));
    expect(relativeError(result.pValue, c.expected.pValue)).toBeLessThanOrEqual(1e-12);
  });

  it('matches wilcox.test\'s own (uncorrected) estimate within the solver tolerance on large samples', () => {
    for (const c of rCases.cases.filter((k) => k.x.length >= 200)) {
      const result = mannWhitney(c.x, c.y, c.confidenceLevel, c.mu);
      // Both roots lie on the same flat stretch of the step function, found to within 1e-4.
      expectClose(result.estimate, c.expected.estimate, 2e-4);
    }
  });

  it('moves only the p-value with mu', () => {
    const base = rCases.cases.find((c) => c.id === 'small-exact');
    const shifted = rCases.cases.find((c) => c.id === 'small-exact-mu');
    if (!base || !shifted) throw new Error('cases missing');
    const a = mannWhitney(base.x, base.y, 0.95, 0);
    const b = mannWhitney(shifted.x, shifted.y, 0.95, shifted.mu);
    expect(b.lowerConfidence).toBe(a.lowerConfidence);
    expect(b.upperConfidence).toBe(a.upperConfidence);
    expect(b.pValue).not.toBeCloseTo(a.pValue, 3);
  });
});

describe('mannWhitney: refusals', () => {
  it('refuses an empty sample', () => {
    expect(() => mannWhitney([], [1, 2], 0.95)).toThrow(MannWhitneyError);
    expect(() => mannWhitney([1, 2], [], 0.95)).toThrow(/control/);
  });

  it('refuses all-tied data, as R and Kayenta do', () => {
    expect(() => mannWhitney([3, 3, 3], [3, 3], 0.95)).toThrow(/all observations are tied/);
  });

  it('refuses NaN and infinite values and confidence levels outside (0, 1)', () => {
    expect(() => mannWhitney([1, Number.NaN], [1, 2], 0.95)).toThrow(/non-finite/);
    expect(() => mannWhitney([1, Number.POSITIVE_INFINITY], [1, 2], 0.95)).toThrow(/non-finite/);
    expect(() => mannWhitney([1, 2], [3, 4], 1)).toThrow(/confidence level/);
    expect(() => mannWhitney([1, 2], [3, 4], 0)).toThrow(/confidence level/);
  });
});
