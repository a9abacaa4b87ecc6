import { errorMessage } from '@gennaker/common';
import { EvaluationFault, ExpressionEvaluationError, PositionedFault } from './expression-error';
import { Evaluator } from './evaluator';
import { type ExpressionLimits, resolveLimits } from './limits';
import { parse } from './parser';
import type { ExpressionScope } from './scope';
import { copyData } from './values';

/**
 * Evaluates one expression body (the text between `${` and `}`) and returns its value with its type:
 * number, boolean, string, null, list or map. Throws ExpressionEvaluationError and nothing else.
 */
export function evaluateExpression(expression: string, scope: ExpressionScope, limits?: Partial<ExpressionLimits>): unknown {
  return runExpression(expression, scope, limitsOrThrow(limits));
}

/** Same, with limits already resolved (templates and objects resolve them once). */
export function runExpression(expression: string, scope: ExpressionScope, limits: ExpressionLimits): unknown {
  try {
    const tree = parse(expression, limits);
    const value = new Evaluator(scope, limits).evaluate(tree, scope.root);
    // A copy, so a stage context never aliases the trigger or another stage's outputs.
    return copyData(value);
  } catch (err) {
    throw asExpressionError(expression, err);
  }
}

/** Parses without evaluating: for checking pipelines when they are saved. */
export function checkExpressionSyntax(expression: string, limits: ExpressionLimits): void {
  try {
    parse(expression, limits);
  } catch (err) {
    throw asExpressionError(expression, err);
  }
}

export function limitsOrThrow(limits: Partial<ExpressionLimits> | undefined): ExpressionLimits {
  try {
    return resolveLimits(limits);
  } catch (err) {
    throw asExpressionError('', err);
  }
}

export function asExpressionError(expression: string, err: unknown): ExpressionEvaluationError {
  if (err instanceof ExpressionEvaluationError) return err;
  if (err instanceof PositionedFault) return new ExpressionEvaluationError(expression, err.position, err.reason);
  if (err instanceof EvaluationFault) return new ExpressionEvaluationError(expression, 0, err.reason);
  // A stack overflow or a bug must still reach the stage as an expression error, never crash the worker.
  return new ExpressionEvaluationError(expression, 0, `internal error: ${errorMessage(err)}`);
}
