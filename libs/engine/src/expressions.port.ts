/**
 * What the engine needs from the expression language. The engine gets it injected (the runtime
 * wires @gennaker/expressions), so the state machine can be tested with any evaluator.
 */
export interface ExpressionScopeStage {
  id: string;
  refId: string;
  name: string;
  type: string;
  status: string;
  context: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export interface ExpressionScopeInput {
  root: Record<string, unknown>;
  stages?: ExpressionScopeStage[];
  pipelineIds?: Record<string, string>;
}

export interface ExpressionFailure {
  expression: string;
  position: number;
  reason: string;
  path: string;
}

export interface ExpressionPort {
  evaluateObject<T>(value: T, scope: ExpressionScopeInput): { value: T; errors: ExpressionFailure[] };
  evaluateTemplate(text: string, scope: ExpressionScopeInput): { value: unknown; errors: ExpressionFailure[] };
}
