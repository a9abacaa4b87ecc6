import { describe, expect, it } from 'vitest';
import { alignToSteps, finiteValues, stepCount } from './series.util';

describe('step grids', () => {
  it('counts the steps of [start, end)', () => {
    expect(stepCount(0, 10_000, 1000)).toBe(10);
    expect(stepCount(0, 10_500, 1000)).toBe(11);
    expect(stepCount(0, 0, 1000)).toBe(0);
    expect(stepCount(0, 1000, 0)).toBe(0);
  });

  it('puts points on their step, gaps and non-finite values as NaN, outside points dropped', () => {
    const v = alignToSteps(
      [
        [2000, 3],
        [-1000, 9],
        [0, 1],
        [4005, Number.POSITIVE_INFINITY],
        [999_000, 7],
        [2999, 4],
      ],
      0,
      5000,
      1000,
    );
    expect(v.map((x) => (Number.isNaN(x) ? null : x))).toEqual([1, null, 3, 4, null]);
    expect(finiteValues(v)).toEqual([1, 3, 4]);
  });
});
