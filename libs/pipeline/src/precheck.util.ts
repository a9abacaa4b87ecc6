import type { ErrorDetail } from '@gennaker/common';
import { DEFAULT_VALIDATION_LIMITS, type ValidationLimits } from './validation.model';

/** Keys that could reach an object's prototype in careless code downstream; refused anywhere. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface PrecheckResult {
  errors: ErrorDetail[];
  /** How many values the walk looked at: bounded by the limits, whatever the input. */
  nodesVisited: number;
}

interface Pending {
  value: object;
  pointer: string;
  depth: number;
}

/**
 * The cheap checks that run before the schema: a JSON object at the root, no value nested deeper
 * than `maxDepth`, no string or key longer than `maxStringLength`, no more than `maxDocumentSize`
 * characters in all, no `__proto__` / `constructor` / `prototype` key, at most `maxStages` stages,
 * and only JSON values (no Infinity, undefined, functions, class instances).
 *
 * The walk is iterative and stops at the depth and size limits, so a 10,000-level body, a cyclic
 * object or a shared-reference bomb costs no more than a 1 MiB document. It never throws: input
 * that cannot even be read (a hostile Proxy) is refused at the root.
 */
export function precheckPipelineDocument(
  input: unknown,
  limits: ValidationLimits = DEFAULT_VALIDATION_LIMITS,
): PrecheckResult {
  try {
    return walk(input, limits);
  } catch {
    return { errors: [{ pointer: '', message: 'the pipeline could not be read as JSON data' }], nodesVisited: 0 };
  }
}

function walk(input: unknown, limits: ValidationLimits): PrecheckResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !isPlainObject(input)) {
    return { errors: [{ pointer: '', message: `the pipeline must be a JSON object, not ${describe(input)}` }], nodesVisited: 1 };
  }
  const errors: ErrorDetail[] = [];
  const stages: unknown = Object.prototype.hasOwnProperty.call(input, 'stages')
    ? (input as Record<string, unknown>)['stages']
    : undefined;
  if (Array.isArray(stages) && stages.length > limits.maxStages) {
    errors.push({
      pointer: '/stages',
      message: `the pipeline has ${stages.length} stages; at most ${limits.maxStages} are allowed`,
    });
  }

  let size = 0;
  let nodes = 1;
  const stack: Pending[] = [{ value: input, pointer: '', depth: 1 }];

  // Primitives are checked in place; containers are pushed, so the walk never recurses. The
  // pointer of a value is only built when it is needed: for an error, or for a container.
  const visit = (value: unknown, parent: string, segment: string, depth: number): void => {
    nodes++;
    switch (typeof value) {
      case 'string':
        size += value.length + 2;
        if (value.length > limits.maxStringLength) {
          errors.push({ pointer: `${parent}/${segment}`, message: `string of ${value.length} characters is longer than ${limits.maxStringLength}` });
        }
        return;
      case 'number':
        size += 8;
        if (!Number.isFinite(value)) errors.push({ pointer: `${parent}/${segment}`, message: `number ${String(value)} is out of range` });
        return;
      case 'boolean':
        size += 5;
        return;
      case 'object': {
        if (value === null) {
          size += 4;
          return;
        }
        const pointer = `${parent}/${segment}`;
        if (!Array.isArray(value) && !isPlainObject(value)) {
          errors.push({ pointer, message: `${describe(value)} is not a JSON value` });
          return;
        }
        if (depth > limits.maxDepth) {
          // Not descended: the rest of this subtree is never looked at.
          errors.push({ pointer, message: `value is nested deeper than ${limits.maxDepth} levels` });
          return;
        }
        stack.push({ value, pointer, depth });
        return;
      }
      default:
        errors.push({ pointer: `${parent}/${segment}`, message: `${describe(value)} is not a JSON value` });
    }
  };

  while (stack.length > 0) {
    const { value, pointer, depth } = stack.pop() as Pending;
    if (Array.isArray(value)) {
      size += 2 + value.length;
      for (let i = 0; i < value.length && errors.length < limits.maxErrors; i++) visit(value[i], pointer, String(i), depth + 1);
    } else {
      const keys = Object.keys(value);
      size += 2 + keys.length;
      for (let i = 0; i < keys.length && errors.length < limits.maxErrors; i++) {
        const key = keys[i] as string;
        size += key.length + 3;
        if (FORBIDDEN_KEYS.has(key)) {
          errors.push({ pointer: `${pointer}/${escapeSegment(key)}`, message: `key "${key}" is not allowed` });
          continue;
        }
        if (key.length > limits.maxStringLength) {
          errors.push({ pointer: `${pointer}/${escapeSegment(key)}`, message: `key of ${key.length} characters is longer than ${limits.maxStringLength}` });
          continue;
        }
        visit((value as Record<string, unknown>)[key], pointer, escapeSegment(key), depth + 1);
      }
    }
    if (size > limits.maxDocumentSize) {
      errors.push({ pointer: '', message: `the pipeline is larger than ${limits.maxDocumentSize} characters of JSON` });
      break;
    }
    // Enough to act on; the rest of a hostile document is not worth the time.
    if (errors.length >= limits.maxErrors) break;
  }
  return { errors, nodesVisited: nodes };
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function escapeSegment(s: string): string {
  // Most keys need no escaping; skip the two regex passes for them.
  return s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return 'a bigint';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return 'an object that is not plain JSON';
  }
}
