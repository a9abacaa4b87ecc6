import { ExpressionEvaluationError } from './expression-error';
import { asExpressionError, limitsOrThrow, runExpression } from './expression';
import type { ExpressionLimits } from './limits';
import type { ExpressionScope } from './scope';
import { containsExpression, evaluateTemplateAt } from './template';
import { toCondition } from './values';

/**
 * A yes/no expression such as `stageEnabled.expression` or an expression precondition. Spinnaker stores
 * these both bare (`parameters.x == 'y'`) and wrapped (`${parameters.x == 'y'}`); both are accepted. The
 * value must be a boolean or the string 'true'/'false'. Throws ExpressionEvaluationError otherwise.
 */
export function evaluateCondition(text: string, scope: ExpressionScope, limits?: Partial<ExpressionLimits>): boolean {
  const resolved = limitsOrThrow(limits);
  let value: unknown;
  if (containsExpression(text)) {
    const result = evaluateTemplateAt(text, scope, resolved, '');
    const first = result.errors[0];
    if (first) throw new ExpressionEvaluationError(first.expression, first.position, first.reason);
    value = result.value;
  } else {
    value = runExpression(text, scope, resolved);
  }
  try {
    return toCondition(value, 'a condition');
  } catch (err) {
    throw asExpressionError(text, err);
  }
}
