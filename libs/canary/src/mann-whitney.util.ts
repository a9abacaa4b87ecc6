// The Mann-Whitney (Wilcoxon rank-sum) confidence interval and location-shift estimate, as R's
// `wilcox.test(x, y, exact = FALSE, correct = TRUE, conf.int = TRUE)` computes them and as Kayenta's
// kayenta-mannwhitney ports it: the normal approximation with continuity and tie correction, each
// interval end solved on its own by Brent's method (tolerance 1e-4). With heavy ties the step function
// can put the lower end above the upper end; that is kept, as Kayenta and R do.
// Two deliberate Kayenta choices: the estimate keeps the continuity correction (R >= 4.0 drops it),
// and the `mu` argument moves only the p-value (as in R; Kayenta ignores it).

import { DEFAULT_ROOT_TOLERANCE, findRoot } from './brent-root.util';
import { normalQuantile, normalTails } from './normal-distribution.util';
import { wilcoxonExactPValue } from './wilcoxon-distribution.util';

export interface MannWhitneyResult {
  lowerConfidence: number;
  upperConfidence: number;
  /** The location shift experiment - control (Hodges-Lehmann style), as Kayenta solves it. */
  estimate: number;
  /** Two-sided p-value against a shift of `mu`: exact below 50 points per side without ties, else normal. */
  pValue: number;
}

/** Thrown for input the test cannot take (R and Kayenta stop on the same conditions). */
export class MannWhitneyError extends Error {
  override readonly name = 'MannWhitneyError';
}

/** Below this many points on both sides, without ties, the p-value is exact (R's rule). */
export const EXACT_P_VALUE_LIMIT = 50;

interface RankStatistics {
  /** U: pairs with x - shift above y, ties counting half. The rank sum of x is U + nx(nx+1)/2. */
  u: number;
  /** Σ (t³ - t) over the groups of tied values in the pooled sample. */
  tieTerm: number;
}

/** Σ (t³ - t) over the runs of equal values of a sorted sample. */
function runTieTerm(sorted: Float64Array): number {
  let term = 0;
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) run++;
    else {
      term += run * run * run - run;
      run = 1;
    }
  }
  return term;
}

/**
 * The rank statistics of x - shift among y, from both samples sorted ascending, in one linear pass
 * (R sorts the pooled sample on every evaluation). Subtracting a constant keeps x sorted (rounding is
 * monotone) but may make neighbours equal, so runs are compared on the shifted doubles, exactly as R
 * ranks `c(x - d, y)`. All counts are multiples of 1/2, so the sums are exact and equal to R's.
 * `yTieTerm` is runTieTerm(ys), which does not depend on the shift.
 */
function rankStatistics(xs: Float64Array, ys: Float64Array, yTieTerm: number, shift: number, out: RankStatistics): RankStatistics {
  const nx = xs.length;
  const ny = ys.length;
  let i = 0;
  let j = 0; // first y not below the current x run
  let u = 0;
  let tieTerm = yTieTerm;
  // Indices stay in bounds; `?? NaN` only satisfies noUncheckedIndexedAccess (and is as fast).
  while (i < nx) {
    const xv = (xs[i] ?? Number.NaN) - shift;
    let a = 1;
    i++;
    while (i < nx && (xs[i] ?? Number.NaN) - shift === xv) {
      a++;
      i++;
    }
    while (j < ny && (ys[j] ?? Number.NaN) < xv) j++;
    let k = j;
    while (k < ny && ys[k] === xv) k++;
    const b = k - j;
    u += a * (j + 0.5 * b);
    // A run of a x's joining b equal y's forms one group of a + b instead of the y group alone.
    if (b > 0) {
      const t = a + b;
      tieTerm += t * t * t - t - (b * b * b - b);
    } else if (a > 1) {
      tieTerm += a * a * a - a;
    }
  }
  out.u = u;
  out.tieTerm = tieTerm;
  return out;
}

function tieCorrectedSigma(nx: number, ny: number, tieTerm: number): number {
  return Math.sqrt(((nx * ny) / 12) * (nx + ny + 1 - tieTerm / ((nx + ny) * (nx + ny - 1))));
}

/** A copy of a sample sorted ascending (NaN last), made once and shared by the statistics. */
export type SortedSample = Float64Array & { readonly __sortedAscending: true };

export function sortSample(values: ArrayLike<number>): SortedSample {
  return Float64Array.from(values).sort() as SortedSample;
}

function first(sorted: Float64Array): number {
  return sorted[0] ?? Number.NaN;
}

function last(sorted: Float64Array): number {
  return sorted[sorted.length - 1] ?? Number.NaN;
}

// R drops non-finite values; Kayenta fails on them. Failing keeps the judge honest about bad data.
function requireFiniteObservations(sample: SortedSample, label: string): void {
  if (sample.length === 0) throw new MannWhitneyError(`not enough ${label} observations`);
  // NaN sorts last, so the two ends tell whether every value is finite.
  if (!(Number.isFinite(first(sample)) && Number.isFinite(last(sample)))) {
    throw new MannWhitneyError(`${label} contains a non-finite value`);
  }
}

/** R's W(d): the continuity- and tie-corrected standardized rank sum of x - shift against y. */
function standardizedStatistic(xs: Float64Array, ys: Float64Array, yTieTerm: number, shift: number, scratch: RankStatistics): number {
  const nx = xs.length;
  const ny = ys.length;
  const { u, tieTerm } = rankStatistics(xs, ys, yTieTerm, shift, scratch);
  // R: sum of x ranks - nx(nx+1)/2 - nx·ny/2, i.e. U - nx·ny/2 (exact in doubles).
  const dz = u - (nx * ny) / 2;
  const correction = Math.sign(dz) * 0.5;
  const sigma = tieCorrectedSigma(nx, ny, tieTerm);
  if (sigma === 0) throw new MannWhitneyError('cannot compute confidence interval when all observations are tied');
  return (dz - correction) / sigma;
}

/**
 * Kayenta's `wilcoxonDiff(mu, quantile, x, y)`: the continuity- and tie-corrected standardized rank
 * sum of x - mu against y, minus `quantile`. The interval ends are its roots in mu.
 */
export function wilcoxonDiff(mu: number, quantile: number, x: readonly number[], y: readonly number[]): number {
  const xs = sortSample(x);
  const ys = sortSample(y);
  requireFiniteObservations(xs, 'x');
  requireFiniteObservations(ys, 'y');
  return standardizedStatistic(xs, ys, runTieTerm(ys), mu, { u: 0, tieTerm: 0 }) - quantile;
}

/**
 * Two-sample, two-sided Mann-Whitney test of the experiment against the control: the confidence
 * interval and estimate of the location shift (experiment - control) and the p-value against `mu`.
 * Throws MannWhitneyError on an empty sample, a non-finite value, a confidence level outside (0, 1),
 * or when every observation is tied.
 */
export function mannWhitney(
  experiment: readonly number[],
  control: readonly number[],
  confidenceLevel: number,
  mu = 0,
): MannWhitneyResult {
  return mannWhitneySorted(sortSample(experiment), sortSample(control), confidenceLevel, mu);
}

/** mannWhitney on samples sorted once by the caller (the judge reuses them for its statistics). */
export function mannWhitneySorted(xs: SortedSample, ys: SortedSample, confidenceLevel: number, mu = 0): MannWhitneyResult {
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
    throw new MannWhitneyError(`confidence level must lie strictly between 0 and 1, got ${confidenceLevel}`);
  }
  if (!Number.isFinite(mu)) throw new MannWhitneyError(`mu must be finite, got ${mu}`);
  requireFiniteObservations(xs, 'experiment');
  requireFiniteObservations(ys, 'control');
  const yTieTerm = runTieTerm(ys);
  const scratch: RankStatistics = { u: 0, tieTerm: 0 };
  const statistic = (shift: number): number => standardizedStatistic(xs, ys, yTieTerm, shift, scratch);

  const alpha = 1 - confidenceLevel;
  // Both samples are non-empty here.
  const muMin = first(xs) - last(ys);
  const muMax = last(xs) - first(ys);
  const atMin = statistic(muMin);
  const atMax = statistic(muMax);

  // Each end on its own; in extreme cases the root is a search bound.
  const root = (zq: number): number => {
    const fLower = atMin - zq;
    if (fLower <= 0) return muMin;
    const fUpper = atMax - zq;
    if (fUpper >= 0) return muMax;
    return findRoot((d) => statistic(d) - zq, muMin, muMax, fLower, fUpper, DEFAULT_ROOT_TOLERANCE);
  };
  const lowerConfidence = root(normalQuantile(alpha / 2, false));
  const upperConfidence = root(normalQuantile(alpha / 2, true));
  const estimate = findRoot(statistic, muMin, muMax, atMin, atMax, DEFAULT_ROOT_TOLERANCE);

  return { lowerConfidence, upperConfidence, estimate, pValue: rankSumPValue(xs, ys, yTieTerm, mu, scratch) };
}

/** R's two-sided p-value for `wilcox.test(x, y, mu = mu, correct = TRUE)`. */
function rankSumPValue(xs: Float64Array, ys: Float64Array, yTieTerm: number, mu: number, scratch: RankStatistics): number {
  const nx = xs.length;
  const ny = ys.length;
  const { u, tieTerm } = rankStatistics(xs, ys, yTieTerm, mu, scratch);
  const hasTies = tieTerm > 0;
  if (nx < EXACT_P_VALUE_LIMIT && ny < EXACT_P_VALUE_LIMIT && !hasTies) {
    return wilcoxonExactPValue(u, nx, ny);
  }
  const centred = u - (nx * ny) / 2;
  const sigma = tieCorrectedSigma(nx, ny, tieTerm);
  const z = (centred - Math.sign(centred) * 0.5) / sigma;
  const tails = normalTails(z);
  return 2 * Math.min(tails.lower, tails.upper);
}

/** U of the experiment against the control (ties half), from sorted finite samples: the CLES numerator. */
export function mannWhitneyU(experiment: SortedSample, control: SortedSample): number {
  requireFiniteObservations(experiment, 'experiment');
  requireFiniteObservations(control, 'control');
  return rankStatistics(experiment, control, runTieTerm(control), 0, { u: 0, tieTerm: 0 }).u;
}
