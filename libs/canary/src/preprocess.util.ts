// Metric preprocessing before the judge compares: NaN handling, IQR outlier removal, and the tiny
// noise Kayenta adds when each side is a single repeated value (so the rank test is defined).

import { percentileOfSorted } from './descriptive-statistics.util';

export type NanStrategy = 'remove' | 'replace';
export type OutlierStrategy = 'keep' | 'remove';

/** Kayenta's default outlier factor for the judge (a wide fence: only gross outliers go). */
export const DEFAULT_OUTLIER_FACTOR = 3.0;

export function removeNaNs(values: readonly number[]): number[] {
  return values.filter((v) => !Number.isNaN(v));
}

export function replaceNaNs(values: readonly number[], replacement = 0): number[] {
  return values.map((v) => (Number.isNaN(v) ? replacement : v));
}

export function applyNanStrategy(values: readonly number[], strategy: NanStrategy): number[] {
  switch (strategy) {
    case 'remove':
      return removeNaNs(values);
    case 'replace':
      return replaceNaNs(values, 0);
  }
}

/**
 * Tukey fences: which values lie below Q1 - factor·IQR or above Q3 + factor·IQR. With
 * `reduceSensitivity` (what the judge uses) the fences are widened to at least the 1st and 99th
 * percentiles, so a long but genuine tail is not cut.
 */
export function detectOutliers(values: readonly number[], factor = 1.5, reduceSensitivity = false): boolean[] {
  if (!(factor > 0)) throw new RangeError(`outlier factor must be greater than zero, got ${factor}`);
  const sorted = Float64Array.from(values).sort();
  const p25 = percentileOfSorted(sorted, 25);
  const p75 = percentileOfSorted(sorted, 75);
  const iqr = p75 - p25;
  let lowerFence = p25 - factor * iqr;
  let upperFence = p75 + factor * iqr;
  if (reduceSensitivity) {
    lowerFence = Math.min(percentileOfSorted(sorted, 1), lowerFence);
    upperFence = Math.max(percentileOfSorted(sorted, 99), upperFence);
  }
  return values.map((v) => v > upperFence || v < lowerFence);
}

/** The judge's outlier removal: IQR fences with reduced sensitivity. */
export function removeOutliers(values: readonly number[], factor = DEFAULT_OUTLIER_FACTOR): number[] {
  const outliers = detectOutliers(values, factor, true);
  return values.filter((_, i) => !outliers[i]);
}

export function applyOutlierStrategy(values: readonly number[], strategy: OutlierStrategy, factor = DEFAULT_OUTLIER_FACTOR): readonly number[] {
  switch (strategy) {
    case 'keep':
      return values;
    case 'remove':
      return removeOutliers(values, factor);
  }
}

/** A seeded uniform generator (mulberry32): the judge must give the same answer for the same data. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws from a uniform generator (Box-Muller). */
export function seededGaussian(uniform: () => number): () => number {
  return () => {
    const u1 = 1 - uniform(); // (0, 1]: log is finite
    const u2 = uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
}

export function addGaussianNoise(values: readonly number[], stdev: number, gaussian: () => number): number[] {
  return values.map((v) => v + gaussian() * stdev);
}
