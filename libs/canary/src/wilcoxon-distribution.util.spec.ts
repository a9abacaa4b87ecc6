import { describe, expect, it } from 'vitest';
import { rCases } from './fixtures/fixtures';
import { wilcoxonCdf, wilcoxonExactPValue } from './wilcoxon-distribution.util';

function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

describe('wilcoxonCdf against R pwilcox', () => {
  it.each(rCases.pwilcox.map((w) => [w.call, w] as const))('%s', (_call, w) => {
    expect(relativeError(wilcoxonCdf(w.q, w.m, w.n), w.expected)).toBeLessThanOrEqual(1e-13);
  });

  it('is symmetric in the sample sizes and sums to 1', () => {
    expect(wilcoxonCdf(7, 4, 6)).toBeCloseTo(wilcoxonCdf(7, 6, 4), 15);
    expect(wilcoxonCdf(24, 4, 6)).toBe(1);
    expect(wilcoxonCdf(-1, 4, 6)).toBe(0);
  });

  it('gives the two-sided exact p-value of complete separation: 2 / choose(11, 5)', () => {
    expect(wilcoxonExactPValue(30, 5, 6)).toBeCloseTo(2 / 462, 15);
    expect(wilcoxonExactPValue(0, 5, 6)).toBeCloseTo(2 / 462, 15);
    expect(wilcoxonExactPValue(15, 5, 6)).toBe(1);
  });
});
