import { isPlainObject, pointer } from '@gennaker/common';
import type { ImportNote } from './import.model';

export type Json = Record<string, unknown>;

/** Collects the notes of one item, each pointer prefixed with where the document sits in its file. */
export class Notes {
  readonly changes: ImportNote[] = [];
  readonly warnings: ImportNote[] = [];
  readonly problems: ImportNote[] = [];

  change(at: string, message: string): void {
    this.changes.push({ pointer: at, message });
  }

  warn(at: string, message: string): void {
    if (!this.warnings.some((w) => w.pointer === at && w.message === message)) this.warnings.push({ pointer: at, message });
  }

  problem(at: string, message: string): void {
    this.problems.push({ pointer: at, message });
  }
}

export { isPlainObject, pointer };

/** JSON-quoted and cut, for user values inside messages. */
export function quote(value: unknown, max = 60): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

export function isExpression(v: unknown): boolean {
  return typeof v === 'string' && v.includes('${');
}

/** The file name without folders and `.json`: the default name of a pipeline that has none. */
export function baseName(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? path;
  return file.replace(/\.json$/i, '');
}

/** Visits every string under a value with its pointer (relative to the value), skipping some keys' subtrees. */
export function walkStrings(value: unknown, visit: (text: string, at: string) => void, skipKeys: ReadonlySet<string> = new Set(), segments: Array<string | number> = []): void {
  if (typeof value === 'string') {
    visit(value, pointer(...segments));
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkStrings(v, visit, skipKeys, [...segments, i]));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (skipKeys.has(k)) continue;
    walkStrings(v, visit, skipKeys, [...segments, k]);
  }
}

/** Visits every `key: value` pair under a value with the pointer of the value, skipping some keys' subtrees. */
export function walkEntries(value: unknown, visit: (key: string, v: unknown, at: string) => void, skipKeys: ReadonlySet<string> = new Set(), segments: Array<string | number> = []): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkEntries(v, visit, skipKeys, [...segments, i]));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (skipKeys.has(k)) continue;
    visit(k, v, pointer(...segments, k));
    walkEntries(v, visit, skipKeys, [...segments, k]);
  }
}
