// Brent's root finder as R's `uniroot` runs it (R_zeroin2, after Brent 1973 and the netlib `zeroin`),
// and as Kayenta's BrentSolver ports it. The Mann-Whitney function is a step function, so which point
// of a flat stretch comes back depends on the exact sequence of steps: this keeps R's order of
// operations, tolerance rule and iteration limit so that the same root comes back.

export const DEFAULT_ROOT_TOLERANCE = 1e-4;
export const DEFAULT_ROOT_MAX_ITERATIONS = 1000;

/**
 * A root of `f` in [a, b], given f(a) and f(b) of opposite signs (not checked, as in Kayenta).
 * Stops when the bracket is within `2·eps·|b| + tolerance/2`, on an exact zero, or after
 * `maxIterations` steps (returning the best point so far, as R and Kayenta do).
 */
export function findRoot(
  f: (x: number) => number,
  lowerBound: number,
  upperBound: number,
  fLowerBound: number,
  fUpperBound: number,
  tolerance: number = DEFAULT_ROOT_TOLERANCE,
  maxIterations: number = DEFAULT_ROOT_MAX_ITERATIONS,
): number {
  let a = lowerBound;
  let b = upperBound;
  let fa = fLowerBound;
  let fb = fUpperBound;
  let c = a;
  let fc = fa;

  if (fa === 0) return a;
  if (fb === 0) return b;

  for (let remaining = maxIterations + 1; remaining > 0; remaining--) {
    const previousStep = b - a;

    // Keep b the best estimate so far, c on the other side of the root.
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const actualTolerance = 2 * Number.EPSILON * Math.abs(b) + tolerance / 2;
    let step = (c - b) / 2;

    if (Math.abs(step) <= actualTolerance || fb === 0) return b;

    // Interpolate when the last step was large enough and went the right way.
    if (Math.abs(previousStep) >= actualTolerance && Math.abs(fa) > Math.abs(fb)) {
      const cb = c - b;
      let p: number;
      let q: number;
      if (a === c) {
        // Two distinct points only: the secant.
        const t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        // Inverse quadratic interpolation.
        q = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
        q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0) q = -q;
      else p = -p;

      // Accept the interpolation only if it lands inside [b, c] and shrinks the bracket fast enough.
      if (p < 0.75 * cb * q - Math.abs(actualTolerance * q) / 2 && p < Math.abs((previousStep * q) / 2)) {
        step = p / q;
      }
    }

    if (Math.abs(step) < actualTolerance) step = step > 0 ? actualTolerance : -actualTolerance;

    a = b;
    fa = fb;
    b += step;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}
