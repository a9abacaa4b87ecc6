import { EvaluationFault } from './expression-error';
import { type Charge, type CompiledRegex, compileRegex, parseReplacement, regexMatches, regexReplaceAll, regexSplit } from './regex';
import { assertAllowedName, deepEqual, describeKind, kindOf, mapGet, mapKeys, ownData, readOwn, stringify, type ValueKind } from './values';

export interface MethodContext {
  maxResultSize: number;
  charge: Charge;
}

interface MethodSpec<T> {
  minArgs: number;
  maxArgs: number;
  call: (target: T, args: unknown[], ctx: MethodContext) => unknown;
}

/**
 * The whitelist: the Java String, List and Map methods that real pipelines call, with Java's semantics.
 * Nothing else is callable, and lookups go through Maps so no inherited JS method can be reached by name.
 */
const STRING_METHODS = new Map<string, MethodSpec<string>>([
  ['toString', fixed(0, (s) => s)],
  ['trim', fixed(0, (s) => s.trim())],
  ['length', fixed(0, (s) => s.length)],
  ['isEmpty', fixed(0, (s) => s.length === 0)],
  ['isBlank', fixed(0, (s) => s.trim().length === 0)],
  ['toUpperCase', fixed(0, (s) => s.toUpperCase())],
  ['toLowerCase', fixed(0, (s) => s.toLowerCase())],
  ['contains', fixed(1, (s, [x]) => s.includes(stringArg(x, 0)))],
  ['startsWith', fixed(1, (s, [x]) => s.startsWith(stringArg(x, 0)))],
  ['endsWith', fixed(1, (s, [x]) => s.endsWith(stringArg(x, 0)))],
  ['equals', fixed(1, (s, [x]) => s === x)],
  ['equalsIgnoreCase', fixed(1, (s, [x]) => typeof x === 'string' && equalsIgnoreCase(s, x))],
  ['indexOf', { minArgs: 1, maxArgs: 2, call: (s, [x, from]) => s.indexOf(stringArg(x, 0), from === undefined ? 0 : intArg(from, 1)) }],
  ['lastIndexOf', fixed(1, (s, [x]) => s.lastIndexOf(stringArg(x, 0)))],
  ['substring', { minArgs: 1, maxArgs: 2, call: substring }],
  ['replace', fixed(2, (s, [a, b], ctx) => replaceLiteral(s, stringArg(a, 0), stringArg(b, 1), ctx.maxResultSize))],
  ['replaceAll', fixed(2, replaceAll)],
  ['matches', fixed(1, (s, [p], ctx) => regexMatches(s, patternArg(p, 0), ctx.charge))],
  ['split', fixed(1, (s, [p], ctx) => regexSplit(s, patternArg(p, 0), ctx.charge))],
]);

const LIST_METHODS = new Map<string, MethodSpec<unknown[]>>([
  ['size', fixed(0, (l) => l.length)],
  ['isEmpty', fixed(0, (l) => l.length === 0)],
  ['contains', fixed(1, (l, [x]) => l.some((item) => deepEqual(item, x)))],
  ['indexOf', fixed(1, (l, [x]) => l.findIndex((item) => deepEqual(item, x)))],
  ['get', fixed(1, (l, [i]) => listItem(l, intArg(i, 0)))],
  ['toString', fixed(0, (l, _args, ctx) => stringify(l, ctx.maxResultSize))],
]);

const MAP_METHODS = new Map<string, MethodSpec<Record<string, unknown>>>([
  ['size', fixed(0, (m) => mapKeys(m).length)],
  ['isEmpty', fixed(0, (m) => mapKeys(m).length === 0)],
  ['containsKey', fixed(1, (m, [k]) => readOwn(m, keyArg(k, 0)) !== undefined)],
  ['get', fixed(1, (m, [k]) => mapGet(m, keyArg(k, 0)))],
  ['keySet', fixed(0, (m) => mapKeys(m))],
  ['values', fixed(0, (m) => mapKeys(m).map((k) => ownData(m, k)?.value ?? null))],
  ['toString', fixed(0, (m, _args, ctx) => stringify(m, ctx.maxResultSize))],
]);

const SCALAR_METHODS = new Map<string, MethodSpec<number | boolean>>([['toString', fixed(0, (v) => String(v))]]);

/** Names callable on a value of each kind, for error messages and docs. */
export function allowedMethods(kind: ValueKind): string[] {
  const table = tableFor(kind);
  return table ? [...table.keys()] : [];
}

export function callMethod(target: unknown, name: string, args: unknown[], ctx: MethodContext): unknown {
  const kind = kindOf(target);
  const spec = tableFor(kind)?.get(name);
  if (!spec) {
    const allowed = allowedMethods(kind);
    throw new EvaluationFault(
      allowed.length === 0
        ? `methods cannot be called on ${describeKind(target)}`
        : `method '${name}()' is not allowed on a ${kind}; allowed: ${allowed.join(', ')}`,
    );
  }
  if (args.length < spec.minArgs || args.length > spec.maxArgs) {
    const expected = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
    throw new EvaluationFault(`${name}() takes ${expected} argument${spec.maxArgs === 1 ? '' : 's'}, got ${args.length}`);
  }
  // The table for `kind` only ever receives values of that kind.
  return (spec as MethodSpec<unknown>).call(target, args, ctx);
}

function tableFor(kind: ValueKind): ReadonlyMap<string, MethodSpec<never>> | undefined {
  switch (kind) {
    case 'string':
      return STRING_METHODS;
    case 'list':
      return LIST_METHODS;
    case 'map':
      return MAP_METHODS;
    case 'number':
    case 'boolean':
      return SCALAR_METHODS;
    case 'null':
    case 'opaque':
      return undefined;
  }
}

function fixed<T>(arity: number, call: MethodSpec<T>['call']): MethodSpec<T> {
  return { minArgs: arity, maxArgs: arity, call };
}

export function stringArg(v: unknown, index: number): string {
  if (typeof v !== 'string') throw new EvaluationFault(`argument ${index + 1} must be a string, got ${describeKind(v)}`, index);
  return v;
}

export function intArg(v: unknown, index: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new EvaluationFault(`argument ${index + 1} must be an integer, got ${describeKind(v)}`, index);
  }
  return v;
}

/** A map key argument; a refused name is reported at the argument. */
function keyArg(v: unknown, index: number): string {
  const key = stringArg(v, index);
  atArgument(index, () => assertAllowedName(key));
  return key;
}

/** A pattern argument, compiled; a bad pattern is reported at the argument. */
function patternArg(v: unknown, index: number): CompiledRegex {
  const pattern = stringArg(v, index);
  return atArgument(index, () => compileRegex(pattern));
}

function replaceAll(s: string, [p, r]: unknown[], ctx: MethodContext): string {
  const re = patternArg(p, 0);
  const replacement = stringArg(r, 1);
  const parsed = atArgument(1, () => parseReplacement(replacement, re));
  return regexReplaceAll(s, re, parsed, ctx.maxResultSize, ctx.charge);
}

function atArgument<T>(index: number, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof EvaluationFault && err.argIndex === undefined) throw new EvaluationFault(err.reason, index);
    throw err;
  }
}

function equalsIgnoreCase(a: string, b: string): boolean {
  return a.length === b.length && (a === b || a.toUpperCase() === b.toUpperCase() || a.toLowerCase() === b.toLowerCase());
}

/** Java substring: out-of-range indexes are an error, not silently clamped as in JS. */
function substring(s: string, [from, to]: unknown[]): string {
  const begin = intArg(from, 0);
  const end = to === undefined ? s.length : intArg(to, 1);
  if (begin < 0 || begin > s.length) throw new EvaluationFault(`substring begin ${begin} is outside 0..${s.length}`, 0);
  if (end < begin || end > s.length) throw new EvaluationFault(`substring end ${end} is outside ${begin}..${s.length}`, to === undefined ? 0 : 1);
  return s.slice(begin, end);
}

/** Java `replace`: every literal occurrence, no patterns; the result size is known before it is built. */
function replaceLiteral(s: string, target: string, replacement: string, maxSize: number): string {
  const count = target === '' ? s.length + 1 : s.split(target).length - 1;
  const size = s.length + count * (replacement.length - target.length);
  if (size > maxSize) throw new EvaluationFault(`result is longer than ${maxSize} characters`);
  // A function replacement, so `$&` and friends in user text stay literal.
  return s.replaceAll(target, () => replacement);
}

export function listItem(list: unknown[], index: number): unknown {
  if (index < 0 || index >= list.length) {
    throw new EvaluationFault(`index ${index} is out of bounds for a list of ${list.length} element${list.length === 1 ? '' : 's'}`);
  }
  return ownData(list, String(index))?.value ?? null;
}
