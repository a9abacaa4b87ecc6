import { pointer } from '@gennaker/common';
import { limitsOrThrow } from './expression';
import type { ExpressionLimits } from './limits';
import type { ExpressionScope } from './scope';
import { type EvaluationResult, type ExpressionError, evaluateTemplateAt, templateSyntaxErrors } from './template';
import { isList, isMap, MAX_DATA_DEPTH, mapKeys, ownData } from './values';

/**
 * Evaluates every string inside objects and arrays (keys are left alone) and returns a new value; the
 * input is not modified. A string whose expression fails is kept as it was, and the failure recorded
 * with the JSON pointer of that string, so the engine can fail the stage or show a warning.
 */
export function evaluateObject<T>(value: T, scope: ExpressionScope, limits?: Partial<ExpressionLimits>): EvaluationResult<T> {
  const resolved = limitsOrThrow(limits);
  const errors: ExpressionError[] = [];
  const result = walk(value, [], (text, path) => {
    const evaluated = evaluateTemplateAt(text, scope, resolved, path);
    errors.push(...evaluated.errors);
    return evaluated.value;
  }, errors);
  // The shape is kept, but an exact `${...}` may turn a string into a number or map: T is the caller's view.
  return { value: result as T, errors };
}

/** Syntax errors of every expression inside a value (a pipeline, a stage), with JSON pointers; evaluates nothing. */
export function findExpressionSyntaxErrors(value: unknown, limits?: Partial<ExpressionLimits>): ExpressionError[] {
  const resolved = limitsOrThrow(limits);
  const errors: ExpressionError[] = [];
  walk(value, [], (text, path) => {
    errors.push(...templateSyntaxErrors(text, resolved, path));
    return text;
  }, errors);
  return errors;
}

function walk(
  value: unknown,
  segments: Array<string | number>,
  onString: (text: string, path: string) => unknown,
  errors: ExpressionError[],
): unknown {
  if (typeof value === 'string') return onString(value, pointer(...segments));
  if (!isList(value) && !isMap(value)) return value;
  if (segments.length > MAX_DATA_DEPTH) {
    errors.push({ expression: '', position: 0, reason: `value is nested deeper than ${MAX_DATA_DEPTH} levels; left unevaluated`, path: pointer(...segments) });
    return value;
  }
  if (isList(value)) return Array.from(value, (item, i) => walk(item, [...segments, i], onString, errors));
  // fromEntries keeps a '__proto__' key a plain key.
  return Object.fromEntries(
    mapKeys(value).map((key) => [key, walk(ownData(value, key)?.value, [...segments, key], onString, errors)]),
  );
}
