import { describe, expect, it } from 'vitest';
import { EvaluationFault } from './expression-error';
import { compileRegex, parseReplacement, regexMatches, regexReplaceAll, regexSplit } from './regex';

const free = (): void => undefined;
const matches = (input: string, pattern: string): boolean => regexMatches(input, compileRegex(pattern), free);
const replaceAll = (input: string, pattern: string, replacement: string): string => {
  const re = compileRegex(pattern);
  return regexReplaceAll(input, re, parseReplacement(replacement, re), 100_000, free);
};

describe('regex: Java semantics on a linear-time engine', () => {
  it.each<[string, string, boolean]>([
    ['tracks-prod-v042', '.*-v\\d{3}', true],
    ['tracks-prod-v042', 'v\\d{3}', false], // matches() needs the whole input
    ['PROD', '(?i)prod', true],
    ['PROD', 'prod', false],
    ['us-east-1', '(us|eu)-(east|west)-[0-9]', true],
    ['ap-south-1', '(us|eu)-(east|west)-[0-9]', false],
    ['', 'a*', true],
    ['abc', 'a.c', true],
    ['a\nc', 'a.c', false],
    ['a\nc', '(?s)a.c', true],
    ['aaa', 'a{2,3}', true],
    ['aaaa', 'a{2,3}', false],
    ['ab', 'a[^a-z]', false],
    ['a-', 'a[\\w-]', true],
    ['x.y', 'x\\.y', true],
    ['xzy', 'x\\.y', false],
    ['a+b', '\\Qa+b\\E', true],
    ['hello world', '.*\\bworld', true],
    ['helloworld', '.*\\bworld', false],
    ['abc', 'a(?:b|x)c', true],
    ['ab', 'ab??', true],
    // `$` may match before a final newline, but matches() must still consume the whole input.
    ['line\n', 'line$', false],
  ])('%j matches %j: %s', (input, pattern, expected) => {
    expect(matches(input, pattern)).toBe(expected);
  });

  it('finishes a pattern that backtracking engines take exponential time on', () => {
    let work = 0;
    const hostile = 'a'.repeat(5000) + '!';
    expect(regexMatches(hostile, compileRegex('(a+)+$'), (units) => (work += units))).toBe(false);
    expect(regexMatches(hostile, compileRegex('(a|a)*b'), free)).toBe(false);
    // Work grows with input x pattern size, and is reported so the evaluator can bound it.
    expect(work).toBeGreaterThan(5000);
    expect(work).toBeLessThan(5000 * 40);
  });

  it.each([
    ['a'.repeat(501), 'regular expression is longer than 500 characters'],
    ['(a', "invalid regular expression: missing ')' (at 2 in the pattern)"],
    ['a)', "invalid regular expression: unmatched ')' (at 1 in the pattern)"],
    ['*a', 'invalid regular expression: nothing to repeat (at 1 in the pattern)'],
    ['a**', 'invalid regular expression: nothing to repeat (at 2 in the pattern)'],
    ['(a)\\1', 'invalid regular expression: backreferences are not supported (at 5 in the pattern)'],
    ['a(?=b)', 'invalid regular expression: lookahead and lookbehind are not supported (at 2 in the pattern)'],
    ['(?>a)', 'invalid regular expression: atomic groups are not supported (at 1 in the pattern)'],
    ['a*+', 'invalid regular expression: possessive quantifiers are not supported (at 2 in the pattern)'],
    ['a{2000}', 'invalid regular expression: repetition counts above 1000 are not supported (at 1 in the pattern)'],
    ['a{3,1}', 'invalid regular expression: repetition {3,1} has its bounds reversed (at 1 in the pattern)'],
    ['[z-a]', 'invalid regular expression: character range is out of order (at 4 in the pattern)'],
    ['\\p{L}', 'invalid regular expression: escape \\p is not supported (at 2 in the pattern)'],
    ['(a{1000}){1000}', 'regular expression is too complex'],
  ])('refuses %j: %s', (pattern, reason) => {
    expect(() => compileRegex(pattern)).toThrow(new EvaluationFault(reason));
  });

  it('refuses inputs longer than 10000 characters', () => {
    expect(() => matches('a'.repeat(10_001), 'a*')).toThrow('regular expressions only run on text up to 10000 characters (got 10001)');
  });

  it.each<[string, string, string[]]>([
    ['a,b,,c,,', ',', ['a', 'b', '', 'c']],
    ['boo:and:foo', 'o', ['b', '', ':and:f']],
    ['boo:and:foo', ':', ['boo', 'and', 'foo']],
    ['abc', '', ['a', 'b', 'c']],
    ['no-separator', ',', ['no-separator']],
  ])('split(%j, %j) is %j as in Java', (input, pattern, expected) => {
    expect(regexSplit(input, compileRegex(pattern), free)).toEqual(expected);
  });

  it.each<[string, string, string, string]>([
    ['abc', 'x*', '-', '-a-b-c-'],
    ['abc', 'b*', '-', '-a--c-'],
    ['2024-05-01', '(\\d+)-(\\d+)-(\\d+)', '$3/$2/$1', '01/05/2024'],
    ['v1', '(?<n>\\d)', '[${n}]', 'v[1]'],
    ['a', 'a', '\\$1', '$1'],
    ['Tracks Prod', '(?i)PROD', 'test', 'Tracks test'],
    ['line\n', 'e$', 'E', 'linE\n'],
    ['a\nb', '(?m)^', '> ', '> a\n> b'],
  ])('replaceAll(%j, %j, %j) is %j', (input, pattern, replacement, expected) => {
    expect(replaceAll(input, pattern, replacement)).toBe(expected);
  });

  it('stops replaceAll as soon as the result is too long', () => {
    const re = compileRegex('');
    expect(() => regexReplaceAll('a'.repeat(1000), re, parseReplacement('x'.repeat(1000), re), 10_000, free)).toThrow(
      'result is longer than 10000 characters',
    );
  });
});
