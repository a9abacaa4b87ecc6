import { InputError } from '@gennaker/common';

/**
 * The only error the evaluator throws. A failing expression is bad input (never retried), so it is an
 * InputError; `position` is the 0-based offset of the offending token inside the expression body.
 */
export class ExpressionEvaluationError extends InputError {
  constructor(
    readonly expression: string,
    readonly position: number,
    readonly reason: string,
  ) {
    super(`Failed to evaluate expression '${shorten(expression)}' at position ${position}: ${reason}`);
  }
}

/**
 * Raised by code that knows the reason but not the position (method and function bodies, value helpers);
 * the evaluator catches it and attaches the position of the node it was evaluating. `argIndex` points the
 * position at that argument instead of the call.
 */
export class EvaluationFault extends Error {
  constructor(
    readonly reason: string,
    readonly argIndex?: number,
  ) {
    super(reason);
    this.name = 'EvaluationFault';
  }
}

/** A fault whose position is already known (tokenizer, parser); turned into ExpressionEvaluationError at the API edge. */
export class PositionedFault extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(reason);
    this.name = 'PositionedFault';
  }
}

function shorten(expression: string): string {
  return expression.length > 200 ? `${expression.slice(0, 200)}...` : expression;
}
