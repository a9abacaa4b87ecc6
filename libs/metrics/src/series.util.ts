/** Number of steps in `[start, end)`: one value per step, as every source answers. */
export function stepCount(start: number, end: number, stepMs: number): number {
  if (!(stepMs > 0) || !(end > start)) return 0;
  return Math.ceil((end - start) / stepMs);
}

/**
 * Puts timestamped points on the step grid of `[start, end)`: a point belongs to the step it
 * falls in (a point a few ms off the grid still counts); steps without a point are NaN, as are
 * non-finite values. Two points in one step: the later one wins.
 */
export function alignToSteps(points: ReadonlyArray<readonly [number, number]>, start: number, end: number, stepMs: number): number[] {
  const n = stepCount(start, end, stepMs);
  const values: number[] = Array.from({ length: n }, () => Number.NaN);
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  for (const [t, v] of sorted) {
    // Round to the nearest grid point: sources stamp the start of a step, sometimes a little off.
    const i = Math.round((t - start) / stepMs);
    if (i < 0 || i >= n) continue;
    values[i] = Number.isFinite(v) ? v : Number.NaN;
  }
  return values;
}

/** Values that are numbers (the judge's view of a series without its gaps). */
export function finiteValues(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v));
}
