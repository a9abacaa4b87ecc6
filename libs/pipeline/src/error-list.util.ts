import { parsePointer, type ErrorDetail } from '@gennaker/common';

/** Orders pointers segment by segment, numbers numerically: /stages/2 before /stages/10. */
export function comparePointers(a: string, b: string): number {
  if (a === b) return 0;
  const sa = safeSegments(a);
  const sb = safeSegments(b);
  const n = Math.min(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const x = sa[i] as string;
    const y = sb[i] as string;
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    // A numeric segment (array index) sorts before a key, which only happens across bad documents.
    if (!Number.isNaN(nx)) return -1;
    if (!Number.isNaN(ny)) return 1;
    return x < y ? -1 : 1;
  }
  return sa.length - sb.length;
}

function safeSegments(p: string): string[] {
  try {
    return parsePointer(p);
  } catch {
    return [p];
  }
}

/**
 * De-duplicated, sorted by pointer, and bounded: when there are more than `max`, the first
 * `max - 1` are kept and one error on the document says how many were left out.
 */
export function finalizeErrors(errors: readonly ErrorDetail[], max: number): ErrorDetail[] {
  const seen = new Set<string>();
  const unique: ErrorDetail[] = [];
  for (const e of errors) {
    const key = `${e.pointer}\u0000${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(e);
  }
  unique.sort((a, b) => comparePointers(a.pointer, b.pointer) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  const limit = Math.max(1, max);
  if (unique.length <= limit) return unique;
  const kept = unique.slice(0, limit - 1);
  kept.unshift({ pointer: '', message: `${unique.length - kept.length} more errors not shown` });
  return kept;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A field as people read it: '/stages/2/requisiteStageRefIds/0' -> 'stages[2].requisiteStageRefIds[0]'. */
export function fieldLabel(p: string): string {
  const segments = safeSegments(p);
  if (segments.length === 0) return 'the pipeline';
  let out = '';
  for (const s of segments) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else if (IDENTIFIER.test(s)) out += out === '' ? s : `.${s}`;
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
