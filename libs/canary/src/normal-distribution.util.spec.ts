import { describe, expect, it } from 'vitest';
import { rCases } from './fixtures/fixtures';
import { normalQuantile, normalTails } from './normal-distribution.util';

function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

describe('normalQuantile against R qnorm', () => {
  it.each(rCases.qnorm.map((q) => [q.call, q] as const))('%s', (_call, q) => {
    expect(relativeError(normalQuantile(q.p, q.lowerTail), q.expected)).toBeLessThanOrEqual(1e-15);
  });

  it('handles the ends and refuses probabilities outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1, false)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});

describe('normalTails against R pnorm', () => {
  it.each(rCases.pnorm.map((p) => [p.call, p] as const))('%s', (_call, p) => {
    const tails = normalTails(p.z);
    // Relative error in both tails: the small tail is what p-values are made of.
    expect(relativeError(tails.lower, p.lower)).toBeLessThanOrEqual(1e-14);
    expect(relativeError(tails.upper, p.upper)).toBeLessThanOrEqual(1e-14);
  });
});
