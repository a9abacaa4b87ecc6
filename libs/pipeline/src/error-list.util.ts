import { parsePointer, type ErrorDetail } from '@gennaker/common';

/** Orders pointers segment by segment, numbers numerically: /stages/2 before /stages/10. */
export function comparePointers(a: string, b: string): number {
  return a === b ? 0 : compareKeys(sortKey(a), sortKey(b));
}

/** A pointer's segments, array indices as numbers: parsed once per error, not once per comparison. */
type SortKey = Array<string | number>;

function sortKey(p: string): SortKey {
  let segments: string[];
  try {
    segments = parsePointer(p);
  } catch {
    segments = [p];
  }
  return segments.map((s) => (/^\d+$/.test(s) && s.length < 16 ? Number(s) : s));
}

function compareKeys(a: SortKey, b: SortKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    // An array index sorts before a key, which only happens across differently shaped documents.
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * De-duplicated, sorted by pointer, and bounded: when there are more than `max`, the first
 * `max - 1` are kept and one error on the document says how many were left out. `truncated`
 * says the checks themselves stopped early (hostile input), so the count is a lower bound.
 */
export function finalizeErrors(errors: readonly ErrorDetail[], max: number, truncated = false): ErrorDetail[] {
  const seen = new Set<string>();
  const unique: Array<{ e: ErrorDetail; key: SortKey }> = [];
  for (const e of errors) {
    const id = `${e.pointer}\u0000${e.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    unique.push({ e, key: sortKey(e.pointer) });
  }
  unique.sort((a, b) => compareKeys(a.key, b.key) || (a.e.message < b.e.message ? -1 : a.e.message > b.e.message ? 1 : 0));
  const limit = Math.max(1, max);
  if (unique.length <= limit && !truncated) return unique.map((u) => u.e);
  const kept = unique.slice(0, limit - 1).map((u) => u.e);
  const more = unique.length - kept.length;
  kept.unshift({
    pointer: '',
    message: truncated ? `at least ${Math.max(1, more)} more errors not shown (checking stopped early)` : `${more} more errors not shown`,
  });
  return kept;
}

function safeSegments(p: string): string[] {
  try {
    return parsePointer(p);
  } catch {
    return [p];
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A field as people read it: '/stages/2/requisiteStageRefIds/0' -> 'stages[2].requisiteStageRefIds[0]'. */
export function fieldLabel(p: string): string {
  const segments = safeSegments(p);
  if (segments.length === 0) return 'the pipeline';
  let out = '';
  for (const s of segments) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else if (IDENTIFIER.test(s) && s.length <= 80) out += out === '' ? s : `.${s}`;
    else out += `[${quote(s)}]`;
  }
  return out;
}

/** A user's value inside a message: JSON-quoted and cut short, so a 64 KiB name stays readable. */
export function quote(value: unknown, max = 80): string {
  const s = typeof value === 'string' ? value : String(value);
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return JSON.stringify(cut);
}
