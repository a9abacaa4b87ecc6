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

describe('string methods (Java semantics)', () => {
  it.each<[string, unknown]>([
    ['parameters.region.toString()', 'us-east-1'],
    ["'  padded  '.trim()", 'padded'],
    ["parameters.ami_us_west_2.trim() != ''", false],
    ["parameters.ami_us_east_1.trim() != ''", true],
    ["parameters.region.contains('east')", true],
    ["parameters.region.startsWith('us-')", true],
    ["parameters.region.endsWith('-2')", false],
    ["'PROD'.equalsIgnoreCase('prod')", true],
    ["'PROD'.equalsIgnoreCase(null)", false],
    ["'a'.equals('a')", true],
    ["'1'.equals(1)", false],
    ["''.isEmpty()", true],
    ["' '.isEmpty()", false],
    ["' '.isBlank()", true],
    ["'héllo'.length()", 5],
    ["'Prod'.toUpperCase()", 'PROD'],
    ["'Prod'.toLowerCase()", 'prod'],
    ["'tracks-prod-v042'.substring(7)", 'prod-v042'],
    ["'tracks-prod-v042'.substring(0, 6)", 'tracks'],
    ["'abc'.substring(3)", ''],
    ["'a-b-c'.indexOf('-')", 1],
    ["'a-b-c'.indexOf('-', 2)", 3],
    ["'a-b-c'.lastIndexOf('-')", 3],
    ["'a-b-c'.indexOf('x')", -1],
    ["'a.b.c'.replace('.', '/')", 'a/b/c'],
    ["'cost: 5'.replace('5', '$&')", 'cost: $&'],
    ["'abc'.replace('', '-')", '-a-b-c-'],
    ["'v1.2.3'.replaceAll('[^0-9]', '')", '123'],
    ["'tracks-prod'.replaceAll('(\\w+)-(\\w+)', '$2-$1')", 'prod-tracks'],
    ["'a.b'.replaceAll('\\.', '\\$')", 'a$b'],
    ["'us-east-1,eu-west-1'.split(',')", ['us-east-1', 'eu-west-1']],
    // Java's split takes a regex and drops trailing empty strings.
    ["'a,b,,c,,'.split(',')", ['a', 'b', '', 'c']],
    ["'1.2.3'.split('\\.')", ['1', '2', '3']],
    ["'a1b22c'.split('\\d+')", ['a', 'b', 'c']],
    ["'abc'.split('')", ['a', 'b', 'c']],
    ["''.split(',')", ['']],
    ["',a'.split(',')", ['', 'a']],
    ["'v42'.matches('v\\d+')", true],
    ["'release-1.2'.split('-')[1]", '1.2'],
  ])('%s = %j', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });

  it.each([
    ["'abc'.substring(2, 1)", 19, 'substring end 1 is outside 2..3'],
    ["'abc'.substring(4)", 16, 'substring begin 4 is outside 0..3'],
    ["'abc'.substring('1')", 16, 'argument 1 must be an integer, got string'],
    ["'abc'.contains(1)", 15, 'argument 1 must be a string, got number'],
    ["'abc'.trim(1)", 6, 'trim() takes 0 arguments, got 1'],
    ["'abc'.replace('a')", 6, 'replace() takes 2 arguments, got 1'],
    ["'abc'.charAt(0)", 6, "method 'charAt()' is not allowed on a string; allowed: toString, trim, length, isEmpty, isBlank, toUpperCase, toLowerCase, contains, startsWith, endsWith, equals, equalsIgnoreCase, indexOf, lastIndexOf, substring, replace, replaceAll, matches, split"],
    ['nothing.trim()', 8, 'cannot call trim() on null (use ?. to allow null)'],
    ["'a'.replaceAll('a', '$1')", 20, 'replacement refers to group 1 but the pattern has 0'],
    ["'a'.replaceAll('(a', 'b')", 15, "invalid regular expression: missing ')' (at 2 in the pattern)"],
    ["'a'.split('[')", 10, "invalid regular expression: missing ']' (at 1 in the pattern)"],
  ])('%s fails at %d: %s', (src, position, reason) => {
    expect(failure(src)).toEqual({ position, reason });
  });
});

describe('list, map and scalar methods', () => {
  it.each<[string, unknown]>([
    ['parameters.tags.size()', 2],
    ['emptyList.isEmpty()', true],
    ["parameters.tags.contains('green')", true],
    ['{{a: 1}}.contains({a: 1})', true],
    ["parameters.tags.indexOf('green')", 1],
    ['parameters.tags.get(0)', 'blue'],
    ['parameters.tags.toString()', '["blue","green"]'],
    ['trigger.buildInfo.size()', 2],
    ["trigger.buildInfo.containsKey('url')", true],
    ["trigger.buildInfo.containsKey('toString')", false],
    ["trigger.buildInfo.get('number')", 42],
    ["trigger.buildInfo.get('missing')", null],
    ['trigger.buildInfo.keySet()', ['number', 'url']],
    ["{a: 1, b: 'x'}.values()", [1, 'x']],
    ['{a: 1}.toString()', '{"a":1}'],
    ['{:}.isEmpty()', true],
    ['parameters.replicas.toString()', '3'],
    ['useCandidateBuild.toString()', 'true'],
    ['(1.5).toString()', '1.5'],
  ])('%s = %j', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });

  it.each([
    ['parameters.tags.get(5)', 16, 'index 5 is out of bounds for a list of 2 elements'],
    ['parameters.tags.length()', 16, "method 'length()' is not allowed on a list; allowed: size, isEmpty, contains, indexOf, get, toString"],
    ['trigger.buildInfo.entrySet()', 18, "method 'entrySet()' is not allowed on a map; allowed: size, isEmpty, containsKey, get, keySet, values, toString"],
    ['parameters.replicas.intValue()', 20, "method 'intValue()' is not allowed on a number; allowed: toString"],
  ])('%s fails at %d: %s', (src, position, reason) => {
    expect(failure(src)).toEqual({ position, reason });
  });
});
