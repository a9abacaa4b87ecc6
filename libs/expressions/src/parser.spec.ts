import { describe, expect, it } from 'vitest';
import type { Node } from './ast';
import { DEFAULT_LIMITS } from './limits';
import { parse } from './parser';

/** Compact s-expression of a tree, to assert precedence and shape. */
function show(node: Node): string {
  switch (node.kind) {
    case 'literal':
      return JSON.stringify(node.value);
    case 'identifier':
      return node.name;
    case 'variable':
      return `#${node.name}`;
    case 'function':
      return `#${node.name}(${node.args.map(show).join(' ')})`;
    case 'property':
      return `${show(node.target)}${node.nullSafe ? '?.' : '.'}${node.name}`;
    case 'index':
      return `${show(node.target)}[${show(node.index)}]`;
    case 'method':
      return `${show(node.target)}.${node.name}(${node.args.map(show).join(' ')})`;
    case 'unary':
      return `(${node.operator} ${show(node.operand)})`;
    case 'binary':
    case 'logical':
      return `(${node.operator} ${show(node.left)} ${show(node.right)})`;
    case 'ternary':
      return `(? ${show(node.test)} ${show(node.then)} ${show(node.otherwise)})`;
    case 'elvis':
      return `(?: ${show(node.left)} ${show(node.right)})`;
    case 'list':
      return `{${node.items.map(show).join(' ')}}`;
    case 'map':
      return `{${node.entries.map((e) => `${e.key}:${show(e.value)}`).join(' ')}}`;
    case 'selection':
      return `${show(node.target)}.${node.mode}[${show(node.predicate)}]`;
    case 'projection':
      return `${show(node.target)}.![${show(node.expression)}]`;
  }
}

const tree = (src: string): string => show(parse(src, DEFAULT_LIMITS));
const failure = (src: string, limits = DEFAULT_LIMITS): { position: number; reason: string } => {
  try {
    parse(src, limits);
  } catch (err) {
    const { position, reason } = err as { position: number; reason: string };
    return { position, reason };
  }
  throw new Error(`expected ${src} to fail`);
};

describe('parser: precedence and shape', () => {
  it.each([
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
    ['1 - 2 - 3', '(- (- 1 2) 3)'],
    ['2 ^ 3 ^ 2', '(^ 2 (^ 3 2))'],
    ['-a.b', '(- a.b)'],
    ['!a and b or c', '(or (and (! a) b) c)'],
    ['not a', '(! a)'],
    ['a || b && c', '(or a (and b c))'],
    ['a == 1 and b != 2', '(and (== a 1) (!= b 2))'],
    ['a eq 1 AND b Gt 2', '(and (== a 1) (> b 2))'],
    ['x div 2 mod 3', '(% (/ x 2) 3)'],
    ['a ? b : c ? d : e', '(? a b (? c d e))'],
    ['a ?: b ?: c', '(?: a (?: b c))'],
    ['a > 1 ? "big" : "small"', '(? (> a 1) "big" "small")'],
    ["name matches '^v[0-9]+$'", '(matches name "^v[0-9]+$")'],
  ])('%s parses as %s', (src, expected) => {
    expect(tree(src)).toBe(expected);
  });

  it.each([
    ["#stage('Canary')['status'].toString()", '#stage("Canary")["status"].toString()'],
    ['deploymentDetails[0].jenkins.name', 'deploymentDetails[0].jenkins.name'],
    ['a?.b.c', 'a?.b.c'],
    ["trigger['parameters']['x']", 'trigger["parameters"]["x"]'],
    ['list.?[x > 1]', 'list.all[(> x 1)]'],
    ['list.^[x].name', 'list.first[x].name'],
    ['list.$[x]', 'list.last[x]'],
    ['list.![name]', 'list.![name]'],
    ['{1, 2, {3}}', '{1 2 {3}}'],
    ["{a: 1, 'b c': {x: true}, 3: null}", '{a:1 b c:{x:true} 3:null}'],
    ['{}', '{}'],
    ['{:}', '{}'],
    ['#root.parameters', '#root.parameters'],
    ["s.substring(1, s.length() - 1)", 's.substring(1 (- s.length() 1))'],
  ])('%s parses as %s', (src, expected) => {
    expect(tree(src)).toBe(expected);
  });

  it('distinguishes an empty map from an empty list', () => {
    expect(parse('{:}', DEFAULT_LIMITS).kind).toBe('map');
    expect(parse('{}', DEFAULT_LIMITS).kind).toBe('list');
  });

  it('reads keywords after a dot as property names', () => {
    expect(tree('a.and.not.new')).toBe('a.and.not.new');
  });
});

describe('parser: errors name the offending token', () => {
  it.each([
    ['a ==', 4, 'unexpected end of expression'],
    ['a == == b', 5, "unexpected '=='"],
    ['(a', 2, "expected ')' but found end of expression"],
    ['a b', 2, "unexpected 'b'"],
    ['a ~ b', 2, "unexpected '~'"],
    ['a = 1', 2, "assignment is not allowed (did you mean '=='?)"],
    ['a == b == c', 7, 'comparisons cannot be chained; use parentheses or and/or'],
    ['a ? b', 5, "expected ':' of the ternary operator but found end of expression"],
    ['a.', 2, "expected a property or method name after '.'"],
    ['a.1', 2, "expected a property or method name after '.'"],
    ["'abc", 0, 'unterminated string literal'],
    ['#', 0, "unexpected character '#'"],
    ['foo(1)', 0, "'foo(...)' is not allowed: only listed methods on a value (like s.trim()) and #functions can be called"],
    ['T(java.lang.Runtime).getRuntime()', 0, 'type references (T(...)) are not allowed'],
    ["x + new java.io.File('/')", 4, 'constructors (new ...) are not allowed'],
    ['@myBean.run()', 0, 'bean references (@name) are not allowed'],
    ['a++', 1, "'++' is not allowed: expressions cannot change values"],
    ['--a', 0, "'--' is not allowed: expressions cannot change values"],
    ['x instanceof T(String)', 2, "'instanceof' is not supported (it needs type references)"],
    ['x between {1, 5}', 2, "'between' is not supported; write 'x >= low and x <= high'"],
    ['{a: 1, b}', 8, "expected ':' after the map key but found '}'"],
    ['{a + 1: 2}', 3, 'a map key must be a name, a string or a number'],
    ['f.call(1 2)', 9, "expected ',' or ')' in the argument list but found '2'"],
    ['and', 0, "unexpected operator 'and'"],
    ['', 0, 'unexpected end of expression'],
    ["'x'.constructor.constructor('return this')", 4, "access to 'constructor' is not allowed"],
    ['a.__proto__', 2, "access to '__proto__' is not allowed"],
    ['prototype', 0, "access to 'prototype' is not allowed"],
  ])('%s fails at %d: %s', (src, position, reason) => {
    expect(failure(src)).toEqual({ position, reason });
  });

  it('refuses an expression longer than the limit', () => {
    expect(failure('a'.repeat(11), { ...DEFAULT_LIMITS, maxExpressionLength: 10 })).toEqual({
      position: 10,
      reason: 'expression is longer than 10 characters',
    });
  });

  it('refuses deep parentheses before the stack is at risk', () => {
    const src = '('.repeat(5000) + '1' + ')'.repeat(5000);
    expect(failure(src, { ...DEFAULT_LIMITS, maxExpressionLength: 20_000 }).reason).toBe('expression is nested deeper than 100 levels');
  });

  it('refuses long operator chains, whose tree is deep without nesting', () => {
    const src = Array.from({ length: 200 }, () => 'a').join(' + ');
    expect(failure(src).reason).toBe('expression is nested deeper than 100 levels');
    expect(() => parse(Array.from({ length: 50 }, () => 'a').join(' + '), DEFAULT_LIMITS)).not.toThrow();
  });

  it('refuses deep unary chains and inline literals', () => {
    expect(failure('!'.repeat(150) + 'true').reason).toBe('expression is nested deeper than 100 levels');
    expect(failure('{'.repeat(150) + '}'.repeat(150)).reason).toBe('expression is nested deeper than 100 levels');
  });
});
