import { EvaluationFault } from './expression-error';

/**
 * Expressions only ever see plain data: JSON-like maps and lists and primitives. Anything else that
 * reaches them (a Date, a class instance, a function) can be compared for identity and passed through,
 * but never read, called or serialized, so no JS object behaviour leaks into the sandbox.
 */
export type ValueKind = 'null' | 'string' | 'number' | 'boolean' | 'list' | 'map' | 'opaque';

/** Names that lead from data to JS machinery; refused everywhere, even as own keys of parsed JSON. */
const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['constructor', '__proto__', 'prototype']);

/** Data nested deeper than this is refused while copying, comparing or serializing (also stops cycles). */
export const MAX_DATA_DEPTH = 1000;

export function isList(v: unknown): v is unknown[] {
  return Array.isArray(v) && Object.getPrototypeOf(v) === Array.prototype;
}

export function isMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function kindOf(v: unknown): ValueKind {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      if (isList(v)) return 'list';
      return isMap(v) ? 'map' : 'opaque';
    default:
      // bigint, symbol, function: never data.
      return 'opaque';
  }
}

/** Name of a value's type for error messages. */
export function describeKind(v: unknown): string {
  const kind = kindOf(v);
  if (kind !== 'opaque') return kind;
  if (typeof v === 'function') return 'function';
  if (typeof v === 'object' && v !== null) {
    const ctor: unknown = Object.getPrototypeOf(v)?.constructor;
    return typeof ctor === 'function' && ctor.name ? `${ctor.name} object` : 'non-plain object';
  }
  return typeof v;
}

export function assertAllowedName(name: string): void {
  if (FORBIDDEN_NAMES.has(name)) throw new EvaluationFault(`access to '${name}' is not allowed`);
}

/**
 * An own data property of a plain map or list, or undefined when absent. Getters are refused rather than
 * run (they are code), and a function-valued property is refused rather than handed out.
 */
export function readOwn(container: Record<string, unknown> | unknown[], key: string): { value: unknown } | undefined {
  assertAllowedName(key);
  return ownData(container, key);
}

/** Like readOwn without the name check: for walking data we copy or print, where keys are never followed into JS. */
export function ownData(container: Record<string, unknown> | unknown[], key: string): { value: unknown } | undefined {
  const descriptor = Object.getOwnPropertyDescriptor(container, key);
  if (!descriptor) return undefined;
  if (!('value' in descriptor)) throw new EvaluationFault(`'${key}' is an accessor, not data`);
  if (typeof descriptor.value === 'function') throw new EvaluationFault(`'${key}' is a function, not data`);
  return { value: descriptor.value === undefined ? null : descriptor.value };
}

/** Own enumerable keys of a map. Listing a key such as 'constructor' is harmless; following it is what readOwn refuses. */
export function mapKeys(map: Record<string, unknown>): string[] {
  return Object.keys(map);
}

/** Value of an own key, or null (SpEL on maps: a missing key reads as null). */
export function mapGet(map: Record<string, unknown>, key: string): unknown {
  return readOwn(map, key)?.value ?? null;
}

/** Text of a value inside a template and for `toString()`: maps and lists become JSON. */
export function stringify(v: unknown, maxSize: number): string {
  const kind = kindOf(v);
  switch (kind) {
    case 'string':
      return v as string;
    case 'number':
      return formatNumber(v as number);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'list':
    case 'map':
      return toJson(v, maxSize);
    case 'opaque':
      throw new EvaluationFault(`a ${describeKind(v)} cannot be turned into text`);
  }
}

function formatNumber(n: number): string {
  return Object.is(n, -0) ? '0' : String(n);
}

/** JSON of plain data, built piece by piece so a huge result stops at the limit instead of after. */
export function toJson(v: unknown, maxSize: number): string {
  const parts: string[] = [];
  let size = 0;
  const emit = (s: string): void => {
    size += s.length;
    if (size > maxSize) throw new EvaluationFault(`result is longer than ${maxSize} characters`);
    parts.push(s);
  };
  const walk = (value: unknown, depth: number): void => {
    if (depth > MAX_DATA_DEPTH) throw new EvaluationFault('data is nested too deeply to serialize');
    const kind = kindOf(value);
    switch (kind) {
      case 'null':
        return emit('null');
      case 'string':
        return emit(JSON.stringify(value));
      case 'number':
        return emit(Number.isFinite(value) ? formatNumber(value as number) : 'null');
      case 'boolean':
        return emit(value ? 'true' : 'false');
      case 'list': {
        emit('[');
        (value as unknown[]).forEach((item, i) => {
          if (i > 0) emit(',');
          walk(item === undefined ? null : item, depth + 1);
        });
        return emit(']');
      }
      case 'map': {
        emit('{');
        let first = true;
        for (const key of mapKeys(value as Record<string, unknown>)) {
          const item = ownData(value as Record<string, unknown>, key)?.value;
          if (!first) emit(',');
          first = false;
          emit(JSON.stringify(key) + ':');
          walk(item, depth + 1);
        }
        return emit('}');
      }
      case 'opaque':
        throw new EvaluationFault(`a ${describeKind(value)} cannot be serialized`);
    }
  };
  walk(v, 0);
  return parts.join('');
}

/** Deep copy of plain data, so a typed result never aliases the scope it was read from. */
export function copyData(v: unknown, depth = 0): unknown {
  if (depth > MAX_DATA_DEPTH) throw new EvaluationFault('data is nested too deeply to copy');
  if (v === undefined) return null;
  if (isList(v)) return Array.from(v, (item) => copyData(item, depth + 1));
  if (isMap(v)) {
    // fromEntries defines own properties, so a '__proto__' key stays a key and never becomes a prototype.
    return Object.fromEntries(mapKeys(v).map((key) => [key, copyData(ownData(v, key)?.value, depth + 1)]));
  }
  return v;
}

/** SpEL `==`: numbers by value, strings by content, lists and maps structurally, never across types. */
export function deepEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (depth > MAX_DATA_DEPTH) throw new EvaluationFault('data is nested too deeply to compare');
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) return false;
  switch (ka) {
    case 'null':
      return true;
    case 'string':
    case 'number':
    case 'boolean':
    case 'opaque':
      return a === b;
    case 'list': {
      const la = a as unknown[];
      const lb = b as unknown[];
      return la.length === lb.length && la.every((item, i) => deepEqual(item, lb[i], depth + 1));
    }
    case 'map': {
      const ma = a as Record<string, unknown>;
      const mb = b as Record<string, unknown>;
      const keys = mapKeys(ma);
      if (keys.length !== mapKeys(mb).length) return false;
      return keys.every((k) => {
        const other = ownData(mb, k);
        return other !== undefined && deepEqual(ownData(ma, k)?.value, other.value, depth + 1);
      });
    }
  }
}

/** SpEL ordering: numbers, strings (by UTF-16 code unit, as Java), booleans; null sorts first. */
export function compareValues(a: unknown, b: unknown): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === 'null' || kb === 'null') return ka === kb ? 0 : ka === 'null' ? -1 : 1;
  if (ka === kb && (ka === 'number' || ka === 'string' || ka === 'boolean')) {
    const x = a as number | string | boolean;
    const y = b as number | string | boolean;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new EvaluationFault(`cannot compare ${describeKind(a)} with ${describeKind(b)}`);
}

/**
 * Condition operands (and, or, not, ternary, selection): booleans, and the strings 'true'/'false' that
 * parameters arrive as, which SpEL converts too. Anything else is an error rather than JS truthiness.
 */
export function toCondition(v: unknown, role: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const lower = v.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw new EvaluationFault(`${role} must be a boolean, got the string '${v.length > 40 ? `${v.slice(0, 40)}...` : v}'`);
  }
  throw new EvaluationFault(`${role} must be a boolean, got ${describeKind(v)}`);
}
