// The exact null distribution of the Mann-Whitney U statistic (R's `pwilcox`), for the small-sample
// p-value. Counts come from the recurrence on the largest observation:
//   c(k; m, n) = c(k - n; m - 1, n) + c(k; m, n - 1)
// (it is an x, beating all n y's, or a y, beating none). Only additions, so the counts keep full
// relative precision even where they exceed 2^53.

const cache = new Map<string, Float64Array>();
const CACHE_LIMIT = 64;

/** counts[k] / total = P(U = k) for samples of m and n without ties. */
function wilcoxonCounts(m: number, n: number): { counts: Float64Array; total: number } {
  // U for (m, n) has the same distribution as for (n, m): keep the smaller number of rows.
  const rowsCount = Math.min(m, n);
  const columns = Math.max(m, n);
  const key = `${rowsCount},${columns}`;
  let counts = cache.get(key);
  if (!counts) {
    const size = rowsCount * columns + 1;
    // rows[i] holds c(.; i, j) for the current j; with j = 0 only U = 0 is possible.
    const rows: Float64Array[] = [];
    for (let i = 0; i <= rowsCount; i++) {
      const row = new Float64Array(size);
      row[0] = 1;
      rows.push(row);
    }
    for (let j = 1; j <= columns; j++) {
      let previous: Float64Array | undefined;
      let i = 0;
      for (const current of rows) {
        // rows[i - 1] already holds c(.; i - 1, j): add it, shifted by j, to c(.; i, j - 1).
        if (previous) for (let k = i * j; k >= j; k--) current[k] = (current[k] ?? 0) + (previous[k - j] ?? 0);
        previous = current;
        i++;
      }
    }
    counts = rows[rowsCount] ?? new Float64Array(size);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, counts);
  }
  let total = 0;
  for (const c of counts) total += c;
  return { counts, total };
}

/** P(U <= q) for samples of m and n (R: `pwilcox(q, m, n)`). */
export function wilcoxonCdf(q: number, m: number, n: number): number {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 1 || n < 1) return Number.NaN;
  const k = Math.floor(q + 1e-7);
  const mn = m * n;
  if (k < 0) return 0;
  if (k >= mn) return 1;
  const { counts, total } = wilcoxonCounts(m, n);
  // Sum the shorter side of the symmetric distribution, as R does, then complement if needed.
  if (k <= mn / 2) return sumCounts(counts, k) / total;
  return 1 - sumCounts(counts, mn - k - 1) / total;
}

function sumCounts(counts: Float64Array, upTo: number): number {
  let sum = 0;
  for (let i = 0; i <= upTo; i++) sum += counts[i] ?? 0;
  return sum;
}

/**
 * The exact two-sided p-value for an observed U (no ties), as R's `wilcox.test` computes it:
 * twice the smaller tail, at most 1.
 */
export function wilcoxonExactPValue(statistic: number, m: number, n: number): number {
  const mn = m * n;
  // P(U >= W) equals P(U <= mn - W) by symmetry.
  const oneSided = statistic > mn / 2 ? wilcoxonCdf(mn - statistic, m, n) : wilcoxonCdf(statistic, m, n);
  return Math.min(2 * oneSided, 1);
}
