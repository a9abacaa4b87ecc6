/** Defensive readers over a document that has passed the pre-check but maybe not the schema. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own property only: a document's keys never reach Object.prototype. */
export function own(obj: JsonRecord, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** The entries of `obj[key]` when it is an array, else none. */
export function ownArray(obj: JsonRecord, key: string): readonly unknown[] {
  const v = own(obj, key);
  return Array.isArray(v) ? v : [];
}

/** A refId as Gennaker compares it: strings as they are, non-negative integers as their digits. */
export function refKey(v: unknown): string | undefined {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return String(v);
  return undefined;
}

/** `stages[3] ("Deploy to EU")`, or `stages[3]` when it has no usable name. */
export function stageLabel(stages: readonly unknown[], index: number): string {
  const stage = stages[index];
  const name = isRecord(stage) ? own(stage, 'name') : undefined;
  return typeof name === 'string' && name !== '' ? `stages[${index}] (${shortQuote(name)})` : `stages[${index}]`;
}

/** JSON-quoted and cut to `max` characters, for user values inside messages. */
export function shortQuote(s: string, max = 80): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

/** Cut without quotes, for refIds inside "1 -> 2 -> 1". */
export function short(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
