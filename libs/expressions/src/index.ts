export type { ExpressionScope, ExpressionStage } from './scope';
export type { ExpressionLimits } from './limits';
export { DEFAULT_LIMITS } from './limits';
export { ExpressionEvaluationError } from './expression-error';
export { evaluateExpression } from './expression';
export type { EvaluationResult, ExpressionError } from './template';
export { containsExpression, evaluateTemplate } from './template';
export { evaluateObject, findExpressionSyntaxErrors } from './evaluate-object';
export { evaluateCondition } from './condition';
