import { describe, expect, it } from 'vitest';
import { cles, cohenD, meanRatio } from './effect-size.util';
import { kayentaVectors } from './fixtures/fixtures';

describe('effect sizes', () => {
  it("Cohen's d: Kayenta vector (StatisticSuite)", () => {
    const v = kayentaVectors.statistics.find((s) => s.fn === "Cohen's d");
    // The vector is quoted to 5 decimals (3.03821...).
    expect(Math.abs(cohenD(v?.control ?? [], v?.experiment ?? []) - (v?.expected ?? Number.NaN))).toBeLessThan(1e-5);
  });

  it('mean ratio is experiment/control, NaN when either mean is 0', () => {
    expect(meanRatio([1, 2, 3], [2, 4, 6])).toBeCloseTo(2, 15);
    expect(meanRatio([0, 0], [1, 2])).toBeNaN();
    expect(meanRatio([1, 2], [0, 0])).toBeNaN();
  });

  it('CLES is the share of pairs where the experiment is higher, ties half', () => {
    expect(cles([1, 2, 3], [4, 5, 6])).toBe(1);
    expect(cles([4, 5, 6], [1, 2, 3])).toBe(0);
    expect(cles([1, 2], [1, 2])).toBe(0.5);
    // experiment [2, 3] against control [1, 2, 3]: 2>1, 2=2 (half), 3>1, 3>2, 3=3 (half) => 4 of 6 pairs
    expect(cles([1, 2, 3], [2, 3])).toBeCloseTo(4 / 6, 15);
  });
});
