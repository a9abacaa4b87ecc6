import { describe, expect, it } from 'vitest';
import { ExpressionEvaluationError } from './expression-error';
import { evaluateExpression } from './expression';
import { testScope } from './test-scope';

const scope = testScope();
const ev = (src: string): unknown => evaluateExpression(src, scope);
const failure = (src: string): { position: number; reason: string } => {
  try {
    ev(src);
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionEvaluationError);
    const { position, reason } = err as ExpressionEvaluationError;
    return { position, reason };
  }
  throw new Error(`expected ${src} to fail`);
};

describe('evaluator: literals and arithmetic', () => {
  it.each<[string, unknown]>([
    ["'single'", 'single'],
    ['"double"', 'double'],
    ['42', 42],
    ['1.5', 1.5],
    ['true', true],
    ['FALSE', false],
    ['null', null],
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['7 / 2', 3],
    ['-7 / 2', -3],
    ['7.5 / 2', 3.75],
    // JSON keeps no difference between 7.0 and 7, so both divide as integers, as Java does for ints.
    ['7.0 / 2', 3],
    ['7 * 0.5', 3.5],
    ['7 % 3', 1],
    ['10 div 4', 2],
    ['10 mod 4', 2],
    ['2 ^ 10', 1024],
    ['-(3 - 5)', 2],
    ['+4', 4],
    ["'a' + 'b'", 'ab'],
    ["'v' + 1", 'v1'],
    ["1 + 'v'", '1v'],
    ["'x' + null", 'xnull'],
    ["'n=' + 1.5", 'n=1.5'],
    ["'on: ' + true", 'on: true'],
    ['{1, 2}', [1, 2]],
    ["{a: 1, 'b c': 'two'}", { a: 1, 'b c': 'two' }],
    ['{}', []],
    ['{:}', {}],
  ])('%s = %j', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });

  it.each([
    ["'a' - 1", 4, "'-' needs two numbers, got string and number"],
    ['1 / 0', 2, 'division by zero'],
    ['5 % 0', 2, 'division by zero'],
    ['10 ^ 400', 3, 'arithmetic result is not a finite number'],
    ['{1} + 1', 4, 'cannot add list and number'],
    ["-'a'", 0, "unary '-' needs a number, got string"],
  ])('%s fails at %d: %s', (src, position, reason) => {
    expect(failure(src)).toEqual({ position, reason });
  });
});

describe('evaluator: property and index access', () => {
  it.each<[string, unknown]>([
    ['parameters.region', 'us-east-1'],
    ["parameters['region']", 'us-east-1'],
    ["trigger['parameters']['x']", 'hello'],
    ['execution.id', '01HX3Z6Q9V'],
    ['deploymentDetails[0].ami', 'ami-c8d07cb1'],
    ['deploymentDetails[0].jenkins.number', '128'],
    ['trigger.artifacts[1].name', 'manifest.yml'],
    ['parameters.tags[1]', 'green'],
    ["'abc'[1]", 'b'],
    ['parameters.missing', null],
    ['undefinedRootVariable', null],
    ["trigger.buildInfo['number']", 42],
    ['nothing?.anything', null],
    ['nothing?.anything?.deeper', null],
    ['nothing?.[0]', null],
    ['nothing?.trim()', null],
    ['parameters?.region', 'us-east-1'],
    ['#root.execution.application', 'tracks'],
    ['#this.execution.application', 'tracks'],
    ['{10, 20, 30}[2]', 30],
    ["{a: {b: 'deep'}}.a.b", 'deep'],
    ["{a: 1}['missing']", null],
    ['parameters[1 == 1]', null],
  ])('%s = %j', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });

  it.each([
    ['nothing.anything', 8, "cannot read property 'anything' of null (use ?. to allow null)"],
    ['parameters.missing.deeper', 19, "cannot read property 'deeper' of null (use ?. to allow null)"],
    // SpEL's ?. guards one step only: the next plain '.' on the null fails.
    ['nothing?.a.b', 11, "cannot read property 'b' of null (use ?. to allow null)"],
    ['nothing[0]', 7, 'cannot index null (use ?.[ ] to allow null)'],
    ['deploymentDetails[3]', 17, 'index 3 is out of bounds for a list of 1 element'],
    ['deploymentDetails[-1]', 17, 'index -1 is out of bounds for a list of 1 element'],
    ["deploymentDetails['0']", 17, 'a list index must be an integer, got string'],
    ['deploymentDetails.ami', 18, "a list has no property 'ami'; use [index], size() or .![ami]"],
    ['parameters.region.length', 18, 'a string has no property length; call length()'],
    ['parameters.replicas.value', 20, "a number has no property 'value'"],
    ["'abc'[5]", 5, 'index 5 is out of bounds for a string of length 3'],
    ['parameters.replicas[0]', 19, 'cannot index a number'],
    ['parameters[{1}]', 10, 'a map key must be a string, got list'],
  ])('%s fails at %d: %s', (src, position, reason) => {
    expect(failure(src)).toEqual({ position, reason });
  });
});

describe('evaluator: comparison and logic', () => {
  it.each<[string, boolean]>([
    ["parameters.region == 'us-east-1'", true],
    ["parameters.region != 'us-east-1'", false],
    ['1 == 1.0', true],
    ["1 == '1'", false],
    ["true == 'true'", false],
    ['null == null', true],
    ['parameters.missing == null', true],
    ['{1, {a: 2}} == {1, {a: 2}}', true],
    ['{a: 1, b: 2} == {b: 2, a: 1}', true],
    ['{1, 2} == {2, 1}', false],
    ['2 < 10', true],
    ["'2' < '10'", false],
    ['3 <= 3', true],
    ['3 ge 4', false],
    ['null < 1', true],
    ['false < true', true],
    ['true and false', false],
    ['true && true', true],
    ['false or true', true],
    ['false || false', false],
    ['!true', false],
    ['not false', true],
    ["parameters.enabled and 'TRUE'", true],
    ['nothing != null and nothing.x == 1', false],
    ['nothing == null or nothing.x == 1', true],
  ])('%s is %s', (src, expected) => {
    expect(ev(src)).toBe(expected);
  });

  it.each([
    ["1 < 'a'", 2, 'cannot compare number with string'],
    ['{1} > 0', 4, 'cannot compare list with number'],
    ['1 and true', 0, "operand of 'and' must be a boolean, got number"],
    ["true and 'yes'", 9, "operand of 'and' must be a boolean, got the string 'yes'"],
    ['!nothing', 1, "operand of '!' must be a boolean, got null"],
    ["parameters.region ? 1 : 2", 11, "condition of ?: must be a boolean, got the string 'us-east-1'"],
  ])('%s fails at %d: %s', (src, position, reason) => {
    expect(failure(src)).toEqual({ position, reason });
  });

  it.each<[string, unknown]>([
    ["parameters.replicas > 2 ? 'many' : 'few'", 'many'],
    ["useCandidateBuild ? parameters.region : 'none'", 'us-east-1'],
    ["nothing ?: 'default'", 'default'],
    ["'' ?: 'default'", 'default'],
    ["parameters.region ?: 'default'", 'us-east-1'],
    ['0 ?: 5', 0],
    ['false ?: true', false],
  ])('%s = %j', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });
});

describe('evaluator: selection and projection', () => {
  it.each<[string, unknown]>([
    ["trigger.artifacts.?[type == 'docker/image'][0].reference", 'gcr.io/app/web:1.2.3'],
    ["trigger.artifacts.^[type.startsWith('github')].name", 'manifest.yml'],
    ["trigger.artifacts.$[type != null].name", 'manifest.yml'],
    ['trigger.artifacts.![name]', ['gcr.io/app/web', 'manifest.yml']],
    ['{1, 2, 3, 4}.?[#this % 2 == 0]', [2, 4]],
    ['{1, 2, 3}.![#this * 10]', [10, 20, 30]],
    ['{1, 2, 3}.^[#this > 5]', null],
    ["{a: 1, b: 2, c: 3}.?[value >= 2]", { b: 2, c: 3 }],
    ["{a: 1, b: 2}.^[key == 'b']", { b: 2 }],
    ["{a: 1, b: 2}.![key + '=' + value]", ['a=1', 'b=2']],
    ['emptyList.?[true]', []],
    ['nothing?.?[true]', null],
    ['nothing?.![x]', null],
    ["trigger.artifacts.?[#root.parameters.region == 'us-east-1'].size()", 2],
  ])('%s = %j', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });

  it.each([
    ["'abc'.?[true]", 6, 'selection needs a list or a map, got string'],
    ['{1, 2}.?[#this]', 9, 'selection condition must be a boolean, got number'],
    ['nothing.![x]', 8, 'projection needs a list or a map, got null'],
  ])('%s fails at %d: %s', (src, position, reason) => {
    expect(failure(src)).toEqual({ position, reason });
  });
});

describe('evaluator: results', () => {
  it('returns a copy, so a result never aliases the scope', () => {
    const local = testScope();
    const value = evaluateExpression('trigger.artifacts', local) as Array<Record<string, unknown>>;
    expect(value).toEqual((local.root['trigger'] as Record<string, unknown>)['artifacts']);
    value[0]!['name'] = 'changed';
    expect(evaluateExpression('trigger.artifacts[0].name', local)).toBe('gcr.io/app/web');
  });

  it('treats undefined in the scope as null', () => {
    expect(evaluateExpression('x == null', { root: { x: undefined } })).toBe(true);
  });

  it('reads a root with a null prototype', () => {
    const root = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(evaluateExpression('a + 1', { root })).toBe(2);
  });
});
