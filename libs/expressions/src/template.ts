import { PositionedFault } from './expression-error';
import { asExpressionError, checkExpressionSyntax, limitsOrThrow, runExpression } from './expression';
import type { ExpressionLimits } from './limits';
import type { ExpressionScope } from './scope';
import { Tokenizer } from './tokenizer';
import { stringify } from './values';

/** One failed expression: what it was, where in its body, why, and where the string sits in the evaluated object. */
export interface ExpressionError {
  expression: string;
  /** 0-based offset of the offending token inside the expression body. */
  position: number;
  reason: string;
  /** JSON pointer of the string inside the evaluated object ('' for a lone string). */
  path: string;
}

export interface EvaluationResult<T> {
  value: T;
  errors: ExpressionError[];
}

type TemplatePart = { kind: 'text'; text: string } | { kind: 'expression'; body: string };

export function containsExpression(text: string): boolean {
  return text.includes('${');
}

/**
 * Evaluates every `${...}` in one string. A string that is exactly one expression keeps the value's type;
 * otherwise each value is turned into text (null into nothing, maps and lists into JSON) and joined.
 * If any expression fails, the original string is kept and every failure is reported.
 */
export function evaluateTemplate(text: string, scope: ExpressionScope, limits?: Partial<ExpressionLimits>): EvaluationResult<unknown> {
  return evaluateTemplateAt(text, scope, limitsOrThrow(limits), '');
}

export function evaluateTemplateAt(text: string, scope: ExpressionScope, limits: ExpressionLimits, path: string): EvaluationResult<unknown> {
  if (!containsExpression(text)) return { value: text, errors: [] };
  const scanned = scan(text, limits, path);
  if ('error' in scanned) return { value: text, errors: [scanned.error] };
  const { parts } = scanned;

  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.kind === 'expression') {
    try {
      return { value: runExpression(only.body, scope, limits), errors: [] };
    } catch (err) {
      return { value: text, errors: [toError(only.body, err, path)] };
    }
  }

  const pieces: string[] = [];
  const errors: ExpressionError[] = [];
  for (const part of parts) {
    if (part.kind === 'text') {
      pieces.push(part.text);
      continue;
    }
    try {
      const value = runExpression(part.body, scope, limits);
      // SpEL templates append nothing for null.
      pieces.push(value === null ? '' : stringify(value, limits.maxResultSize));
    } catch (err) {
      errors.push(toError(part.body, err, path));
    }
  }
  return errors.length > 0 ? { value: text, errors } : { value: pieces.join(''), errors: [] };
}

/** Syntax errors of every expression in one string, without evaluating anything. */
export function templateSyntaxErrors(text: string, limits: ExpressionLimits, path: string): ExpressionError[] {
  if (!containsExpression(text)) return [];
  const scanned = scan(text, limits, path);
  if ('error' in scanned) return [scanned.error];
  const errors: ExpressionError[] = [];
  for (const part of scanned.parts) {
    if (part.kind !== 'expression') continue;
    try {
      checkExpressionSyntax(part.body, limits);
    } catch (err) {
      errors.push(toError(part.body, err, path));
    }
  }
  return errors;
}

function toError(body: string, err: unknown, path: string): ExpressionError {
  const e = asExpressionError(body, err);
  return { expression: body, position: e.position, reason: e.reason, path };
}

/**
 * Splits a string into text and expression bodies. The closing `}` is found with the tokenizer, so braces
 * inside string literals (`'}'`) and inline maps (`{a: 1}`) do not end the expression early.
 */
function scan(text: string, limits: ExpressionLimits, path: string): { parts: TemplatePart[] } | { error: ExpressionError } {
  const parts: TemplatePart[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf('${', from);
    if (open < 0) {
      if (from < text.length) parts.push({ kind: 'text', text: text.slice(from) });
      return { parts };
    }
    if (open > from) parts.push({ kind: 'text', text: text.slice(from, open) });
    const start = open + 2;
    const close = findClose(text, start, limits.maxExpressionLength);
    if (typeof close !== 'number') {
      return { error: { expression: text.slice(start, start + limits.maxExpressionLength), position: close.position, reason: close.reason, path } };
    }
    parts.push({ kind: 'expression', body: text.slice(start, close) });
    from = close + 1;
  }
}

function findClose(text: string, start: number, maxLength: number): number | PositionedFault {
  const tokenizer = new Tokenizer(text, start);
  let depth = 0;
  try {
    for (;;) {
      const token = tokenizer.next();
      if (token.pos - start > maxLength) {
        return new PositionedFault(`expression is longer than ${maxLength} characters`, maxLength);
      }
      if (token.kind === 'end') return new PositionedFault("missing '}' to close '${'", token.pos - start);
      if (token.kind !== 'symbol') continue;
      if (token.text === '{') depth++;
      else if (token.text === '}') {
        if (depth === 0) return token.pos;
        depth--;
      }
    }
  } catch (err) {
    if (err instanceof PositionedFault) return new PositionedFault(err.reason, err.position - start);
    throw err;
  }
}
