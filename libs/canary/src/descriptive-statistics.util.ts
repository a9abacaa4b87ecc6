// Descriptive statistics as Kayenta reports them (commons-math semantics): means corrected in a
// second pass, bias-corrected variance, R-7 percentiles; an empty series reports zeros.

export interface MetricStatistics {
  count: number;
  mean: number;
  min: number;
  max: number;
  median: number;
  /** Sample standard deviation (n - 1). */
  std: number;
}

/** Arithmetic mean with a second-pass correction (commons-math `Mean`); NaN when empty. */
export function mean(values: Iterable<number> & { readonly length: number }): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  const first = sum / n;
  let correction = 0;
  for (const v of values) correction += v - first;
  return first + correction / n;
}

/** Bias-corrected sample variance (commons-math `Variance`); 0 for one value, NaN when empty. */
export function variance(values: Iterable<number> & { readonly length: number }): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return 0;
  const m = mean(values);
  let squares = 0;
  let deviations = 0;
  for (const v of values) {
    const d = v - m;
    squares += d * d;
    deviations += d;
  }
  return (squares - (deviations * deviations) / n) / (n - 1);
}

export function standardDeviation(values: Iterable<number> & { readonly length: number }): number {
  return Math.sqrt(variance(values));
}

/** The p-th percentile (0 < p <= 100) of values already sorted ascending, by R's type 7 rule. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = p === 0 ? 0 : 1 + ((n - 1) * p) / 100;
  // Indices below are within bounds; `?? NaN` only satisfies the type checker.
  if (position < 1) return sorted[0] ?? Number.NaN;
  if (position >= n) return sorted[n - 1] ?? Number.NaN;
  const floor = Math.floor(position);
  const lower = sorted[floor - 1] ?? Number.NaN;
  const upper = sorted[floor] ?? Number.NaN;
  return lower + (position - floor) * (upper - lower);
}

/** The p-th percentile (0 < p <= 100) by R's type 7 rule (Kayenta's `DescriptiveStatistics.percentile`). */
export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(Float64Array.from(values).sort(), p);
}

/** Kayenta's metric summary; every figure is 0 for an empty series. */
export function summarize(values: readonly number[]): MetricStatistics {
  return summarizeSorted(values, Float64Array.from(values).sort());
}

/** summarize, given a sorted copy of the same values (means use the original order, as Kayenta). */
export function summarizeSorted(values: readonly number[], sorted: Float64Array): MetricStatistics {
  if (values.length === 0) return { count: 0, mean: 0, min: 0, max: 0, median: 0, std: 0 };
  return {
    count: values.length,
    mean: mean(values),
    min: sorted[0] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
    median: percentileOfSorted(sorted, 50),
    std: standardDeviation(values),
  };
}
