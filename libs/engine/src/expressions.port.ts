import type { ExpressionError, ExpressionScope, ExpressionStage } from '@gennaker/expressions';

/**
 * What the engine needs from the expression language: its scope and error types come from
 * @gennaker/expressions; the evaluator itself is injected (the runtime wires the real one), so the
 * state machine can be tested with any evaluator.
 */
export type ExpressionScopeStage = ExpressionStage;
export type ExpressionScopeInput = ExpressionScope;
export type ExpressionFailure = ExpressionError;

export interface ExpressionPort {
  evaluateObject<T>(value: T, scope: ExpressionScopeInput): { value: T; errors: ExpressionFailure[] };
  evaluateTemplate(text: string, scope: ExpressionScopeInput): { value: unknown; errors: ExpressionFailure[] };
}
