export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/**
 * A line diff (longest common subsequence) of two texts, for pipeline revisions. Revisions are a
 * few hundred lines; past `maxCells` of the LCS table the middle is shown as removed + added.
 */
export function lineDiff(before: string, after: string, maxCells = 4_000_000): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // Common head and tail cost nothing; only the changed middle needs the table.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const out: DiffLine[] = a.slice(0, head).map((text) => ({ kind: 'same', text }));
  if (am.length * bm.length > maxCells) {
    out.push(...am.map((text): DiffLine => ({ kind: 'removed', text })), ...bm.map((text): DiffLine => ({ kind: 'added', text })));
  } else {
    const n = am.length;
    const m = bm.length;
    const lcs = new Uint32Array((n + 1) * (m + 1));
    const at = (i: number, j: number): number => lcs[i * (m + 1) + j] ?? 0;
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] = am[i] === bm[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      const x = am[i];
      const y = bm[j];
      if (x !== undefined && y !== undefined && x === y) {
        out.push({ kind: 'same', text: x });
        i++;
        j++;
      } else if (y !== undefined && (x === undefined || at(i, j + 1) >= at(i + 1, j))) {
        out.push({ kind: 'added', text: y });
        j++;
      } else {
        out.push({ kind: 'removed', text: x ?? '' });
        i++;
      }
    }
  }
  out.push(...a.slice(a.length - tail).map((text): DiffLine => ({ kind: 'same', text })));
  return out;
}
