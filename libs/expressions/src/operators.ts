import type { BinaryOperator } from './ast';
import { EvaluationFault } from './expression-error';
import { type Charge, compileRegex, regexMatches } from './regex';
import { compareValues, deepEqual, describeKind, stringify } from './values';

export interface OperatorContext {
  maxResultSize: number;
  charge: Charge;
}

/** SpEL binary operators over plain values; faults carry the reason, the evaluator adds the operator's position. */
export function applyBinary(operator: BinaryOperator, left: unknown, right: unknown, ctx: OperatorContext): unknown {
  switch (operator) {
    case '+':
      return add(left, right, ctx.maxResultSize);
    case '-':
    case '*':
    case '/':
    case '%':
    case '^':
      return arithmetic(operator, left, right);
    case '==':
      return deepEqual(left, right);
    case '!=':
      return !deepEqual(left, right);
    case '<':
      return compareValues(left, right) < 0;
    case '<=':
      return compareValues(left, right) <= 0;
    case '>':
      return compareValues(left, right) > 0;
    case '>=':
      return compareValues(left, right) >= 0;
    case 'matches':
      if (typeof left !== 'string') throw new EvaluationFault(`'matches' needs a string on the left, got ${describeKind(left)}`);
      if (typeof right !== 'string') throw new EvaluationFault(`'matches' needs a pattern string on the right, got ${describeKind(right)}`);
      return regexMatches(left, compileRegex(right), ctx.charge);
  }
}

/** `+` adds numbers and concatenates as soon as either side is a string (null then reads 'null', as in Java). */
function add(left: unknown, right: unknown, maxSize: number): unknown {
  if (typeof left === 'number' && typeof right === 'number') return finite(left + right);
  if (typeof left === 'string' || typeof right === 'string') {
    const l = stringify(left, maxSize);
    const r = stringify(right, maxSize);
    if (l.length + r.length > maxSize) throw new EvaluationFault(`result is longer than ${maxSize} characters`);
    return l + r;
  }
  throw new EvaluationFault(`cannot add ${describeKind(left)} and ${describeKind(right)}`);
}

function arithmetic(operator: '-' | '*' | '/' | '%' | '^', left: unknown, right: unknown): number {
  if (typeof left !== 'number' || typeof right !== 'number') {
    throw new EvaluationFault(`'${operator}' needs two numbers, got ${describeKind(left)} and ${describeKind(right)}`);
  }
  switch (operator) {
    case '-':
      return finite(left - right);
    case '*':
      return finite(left * right);
    case '/':
      if (right === 0) throw new EvaluationFault('division by zero');
      // Java divides integers as integers (7 / 2 is 3); JSON numbers with no fraction count as integers.
      return finite(Number.isInteger(left) && Number.isInteger(right) ? Math.trunc(left / right) : left / right);
    case '%':
      if (right === 0) throw new EvaluationFault('division by zero');
      return finite(left % right);
    case '^':
      return finite(left ** right);
  }
}

function finite(n: number): number {
  if (!Number.isFinite(n)) throw new EvaluationFault('arithmetic result is not a finite number');
  return Object.is(n, -0) ? 0 : n;
}
