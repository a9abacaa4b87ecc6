import { describe, expect, it } from 'vitest';
import { evaluateCondition } from './condition';
import { ExpressionEvaluationError } from './expression-error';
import { testScope } from './test-scope';

const scope = testScope();

describe('evaluateCondition', () => {
  it.each<[string, boolean]>([
    ["parameters.region == 'us-east-1'", true],
    ["${parameters.region == 'us-east-1'}", true],
    ["${ #stage('Canary')['status'] == 'SUCCEEDED' }", false],
    ['parameters.enabled', true],
    ['${useCandidateBuild}', true],
    ["'FALSE'", false],
  ])('%s is %s', (text, expected) => {
    expect(evaluateCondition(text, scope)).toBe(expected);
  });

  it('fails on a value that is not a condition', () => {
    expect(() => evaluateCondition('parameters.region', scope)).toThrow(
      expect.objectContaining({ position: 0, reason: "a condition must be a boolean, got the string 'us-east-1'" }),
    );
    expect(() => evaluateCondition('${parameters.replicas}', scope)).toThrow("a condition must be a boolean, got number");
  });

  it('fails with the position inside the failing expression', () => {
    let caught: unknown;
    try {
      evaluateCondition("${ nothing.x == 'y' }", scope);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ExpressionEvaluationError);
    expect(caught).toMatchObject({ expression: " nothing.x == 'y' ", position: 9, reason: "cannot read property 'x' of null (use ?. to allow null)" });
  });
});
