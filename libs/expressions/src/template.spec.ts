import { describe, expect, it } from 'vitest';
import { ExpressionEvaluationError } from './expression-error';
import { containsExpression, evaluateTemplate } from './template';
import { testScope } from './test-scope';

const scope = testScope();
const value = (text: string): unknown => {
  const result = evaluateTemplate(text, scope);
  expect(result.errors).toEqual([]);
  return result.value;
};

describe('evaluateTemplate', () => {
  it.each<[string, unknown]>([
    ['${parameters.replicas}', 3],
    ['${useCandidateBuild}', true],
    ['${parameters.tags}', ['blue', 'green']],
    ['${trigger.buildInfo}', { number: 42, url: 'https://ci.example.com/job/app/42/' }],
    ['${nothing}', null],
    ['${ parameters.region }', 'us-east-1'],
  ])('an exact %s keeps its type', (text, expected) => {
    expect(value(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['region: ${parameters.region}', 'region: us-east-1'],
    ['${parameters.replicas} replicas', '3 replicas'],
    [' ${parameters.replicas}', ' 3'],
    ['${parameters.region}${parameters.replicas}', 'us-east-13'],
    ['tags=${parameters.tags}', 'tags=["blue","green"]'],
    ['map=${ {a: 1} }', 'map={"a":1}'],
    ['[${nothing}]', '[]'],
    ['on=${useCandidateBuild}', 'on=true'],
    ['no expression here', 'no expression here'],
    ['', ''],
    ['a $ {b} and $x and { } and }', 'a $ {b} and $x and { } and }'],
  ])('%j becomes %j', (text, expected) => {
    expect(value(text)).toBe(expected);
  });

  it('finds the closing brace with the tokenizer, not a regex', () => {
    expect(value("${ '}' }")).toBe('}');
    expect(value("x${ {'a': '{}'}['a'] }y")).toBe('x{}y');
    expect(value('${ {a: {b: 1}}.a.b }')).toBe(1);
    expect(value("${ \"it's } fine\" }")).toBe("it's } fine");
    expect(value("${ 'nested ${not evaluated}' }")).toBe('nested ${not evaluated}');
  });

  it('keeps the original string and reports every failing expression', () => {
    const text = 'a=${nothing.x} b=${parameters.region} c=${1 +}';
    expect(evaluateTemplate(text, scope)).toEqual({
      value: text,
      errors: [
        { expression: 'nothing.x', position: 8, reason: "cannot read property 'x' of null (use ?. to allow null)", path: '' },
        { expression: '1 +', position: 3, reason: 'unexpected end of expression', path: '' },
      ],
    });
  });

  it('reports positions inside the body, counting its whitespace', () => {
    expect(evaluateTemplate("${  #stage('Nope') }", scope).errors).toEqual([
      { expression: "  #stage('Nope') ", position: 9, reason: "no stage with name 'Nope' in this execution", path: '' },
    ]);
  });

  it('reports a missing closing brace', () => {
    expect(evaluateTemplate('x ${parameters.region', scope)).toEqual({
      value: 'x ${parameters.region',
      errors: [{ expression: 'parameters.region', position: 17, reason: "missing '}' to close '${'", path: '' }],
    });
  });

  it('reports an unterminated string inside an expression', () => {
    expect(evaluateTemplate("x ${ 'abc }", scope).errors).toEqual([
      { expression: " 'abc }", position: 1, reason: 'unterminated string literal', path: '' },
    ]);
  });

  it('reports an empty expression', () => {
    expect(evaluateTemplate('${}', scope).errors).toEqual([{ expression: '', position: 0, reason: 'unexpected end of expression', path: '' }]);
  });

  it('refuses an expression body longer than the limit while scanning', () => {
    const text = '${' + ' '.repeat(50) + '1}';
    expect(evaluateTemplate(text, scope, { maxExpressionLength: 20 }).errors[0]).toMatchObject({
      position: 20,
      reason: 'expression is longer than 20 characters',
    });
    expect(evaluateTemplate(text, scope).value).toBe(1);
  });

  it('never throws for a bad expression, only for bad limits', () => {
    expect(() => evaluateTemplate('${T(x)}', scope)).not.toThrow();
    expect(() => evaluateTemplate('${1}', scope, { maxSteps: -5 })).toThrow(ExpressionEvaluationError);
  });
});

describe('containsExpression', () => {
  it.each<[string, boolean]>([
    ['${x}', true],
    ['text ${ x } text', true],
    ['${', true],
    ['$ {x}', false],
    ['{x}', false],
    ['plain', false],
  ])('%j: %s', (text, expected) => {
    expect(containsExpression(text)).toBe(expected);
  });
});
