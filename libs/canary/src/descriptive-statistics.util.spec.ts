import { describe, expect, it } from 'vitest';
import { mean, percentile, standardDeviation, summarize } from './descriptive-statistics.util';
import { kayentaVectors } from './fixtures/fixtures';

describe('descriptive statistics: Kayenta vectors (StatisticSuite)', () => {
  const stats = kayentaVectors.statistics;

  it.each(stats.filter((s) => s.fn.startsWith('percentile')).map((s) => [`p${s.p} of ${s.data?.length} values`, s] as const))(
    'R-7 percentile, %s',
    (_name, s) => {
      expect(percentile(s.data ?? [], s.p ?? Number.NaN)).toBeCloseTo(s.expected ?? Number.NaN, 12);
    },
  );

  it('sample standard deviation', () => {
    const s = stats.find((v) => v.fn === 'sample standard deviation');
    expect(standardDeviation(s?.data ?? [])).toBeCloseTo(s?.expected ?? Number.NaN, 4);
  });
});

describe('summarize', () => {
  it('reports count, mean, min, max, median and sample std', () => {
    const summary = summarize([4, 1, 3, 2, 10]);
    expect(summary).toEqual({ count: 5, mean: 4, min: 1, max: 10, median: 3, std: expect.any(Number) });
    expect(summary.std).toBeCloseTo(Math.sqrt(12.5), 12);
  });

  it('reports zeros for an empty series, as Kayenta does', () => {
    expect(summarize([])).toEqual({ count: 0, mean: 0, min: 0, max: 0, median: 0, std: 0 });
  });

  it('gives NaN for the mean and percentiles of nothing', () => {
    expect(mean([])).toBeNaN();
    expect(percentile([], 50)).toBeNaN();
    expect(mean([1, 2, 3, 4])).toBe(2.5);
  });
});
