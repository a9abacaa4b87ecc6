import { describe, expect, it } from 'vitest';
import { ExpressionEvaluationError } from './expression-error';
import { evaluateExpression } from './expression';
import { evaluateTemplate } from './template';
import { testScope } from './test-scope';

const scope = testScope();
const failure = (src: string, s = scope): { position: number; reason: string } => {
  try {
    evaluateExpression(src, s);
  } catch (err) {
    // The only thing the evaluator may throw.
    expect(err).toBeInstanceOf(ExpressionEvaluationError);
    const { position, reason } = err as ExpressionEvaluationError;
    return { position, reason };
  }
  throw new Error(`expected ${src} to fail`);
};

describe('sandbox: no way from data to JS machinery', () => {
  it.each([
    ["'x'.constructor", 4, "access to 'constructor' is not allowed"],
    ["'x'.constructor.constructor('return process')", 4, "access to 'constructor' is not allowed"],
    ["parameters['constructor']", 10, "access to 'constructor' is not allowed"],
    ["parameters['__proto__']", 10, "access to '__proto__' is not allowed"],
    ['parameters.__proto__', 11, "access to '__proto__' is not allowed"],
    ["{a: 1}['prototype']", 6, "access to 'prototype' is not allowed"],
    ['constructor', 0, "access to 'constructor' is not allowed"],
    ['#root.constructor', 6, "access to 'constructor' is not allowed"],
    ['#this.__proto__', 6, "access to '__proto__' is not allowed"],
    ["parameters.get('constructor')", 15, "access to 'constructor' is not allowed"],
    ["parameters.containsKey('__proto__')", 23, "access to '__proto__' is not allowed"],
    ["'x'.constructor()", 4, "access to 'constructor' is not allowed"],
    ["{a:1}.?[true].__proto__", 14, "access to '__proto__' is not allowed"],
  ])('refuses %s (at %d)', (src, position, reason) => {
    expect(failure(src)).toEqual({ position, reason });
  });

  it.each([
    ["'x'.valueOf()", 4, "method 'valueOf()' is not allowed on a string"],
    ["'x'.at(0)", 4, "method 'at()' is not allowed on a string"],
    ["parameters.tags.map('x')", 16, "method 'map()' is not allowed on a list"],
    ['parameters.hasOwnProperty(1)', 11, "method 'hasOwnProperty()' is not allowed on a map"],
    ['parameters.tags.push(1)', 16, "method 'push()' is not allowed on a list"],
    ['(1).toFixed(100)', 4, "method 'toFixed()' is not allowed on a number"],
  ])('calls only whitelisted methods: %s', (src, position, reason) => {
    const result = failure(src);
    expect(result.position).toBe(position);
    expect(result.reason.startsWith(reason)).toBe(true);
  });

  it.each([
    ['T(java.lang.Runtime).getRuntime().exec("id")', 0, 'type references (T(...)) are not allowed'],
    ['t(java.lang.System)', 0, 'type references (T(...)) are not allowed'],
    ["new java.lang.ProcessBuilder('id').start()", 0, 'constructors (new ...) are not allowed'],
    ["new String('x')", 0, 'constructors (new ...) are not allowed'],
    ["require('child_process')", 0, "'require(...)' is not allowed: only listed methods on a value (like s.trim()) and #functions can be called"],
    ['eval(1)', 0, "'eval(...)' is not allowed: only listed methods on a value (like s.trim()) and #functions can be called"],
    ['@environment.getProperty("AWS_SECRET")', 0, 'bean references (@name) are not allowed'],
    ['&factoryBean', 0, 'bean references (&name) are not allowed'],
    ['parameters.region = "x"', 18, "assignment is not allowed (did you mean '=='?)"],
  ])('refuses %s with a clear reason', (src, position, reason) => {
    expect(failure(src)).toEqual({ position, reason });
  });

  it('sees no JS globals: the names are just missing root keys', () => {
    for (const name of ['process', 'globalThis', 'require', 'this', 'window', 'Function', 'module']) {
      expect(evaluateExpression(name, scope)).toBeNull();
    }
    expect(failure('process.env')).toEqual({ position: 8, reason: "cannot read property 'env' of null (use ?. to allow null)" });
    expect(failure('globalThis.process.exit(1)')).toEqual({ position: 11, reason: "cannot read property 'process' of null (use ?. to allow null)" });
    expect(failure('this.constructor')).toEqual({ position: 5, reason: "access to 'constructor' is not allowed" });
  });

  it('does not read inherited properties of plain objects', () => {
    expect(evaluateExpression('toString', scope)).toBeNull();
    expect(evaluateExpression('parameters.hasOwnProperty', scope)).toBeNull();
    expect(evaluateExpression("parameters['valueOf']", scope)).toBeNull();
  });

  it('reads only plain data: class instances, functions and getters are refused, never run', () => {
    let ran = false;
    const withGetter = Object.defineProperty({}, 'secret', {
      get: () => {
        ran = true;
        return 'leak';
      },
      enumerable: true,
    });
    const root = { date: new Date(0), fn: () => 'called', withGetter, map: new Map([['a', 1]]) };
    expect(failure('date.time', { root })).toEqual({ position: 5, reason: "cannot read 'time' of a Date object: only plain data can be read" });
    expect(failure('date.getTime()', { root })).toEqual({ position: 5, reason: 'methods cannot be called on Date object' });
    expect(failure('fn', { root })).toEqual({ position: 0, reason: "'fn' is a function, not data" });
    expect(failure('withGetter.secret', { root })).toEqual({ position: 11, reason: "'secret' is an accessor, not data" });
    expect(failure("map.get('a')", { root })).toEqual({ position: 4, reason: 'methods cannot be called on Map object' });
    expect(ran).toBe(false);
  });

  it("keeps JSON's own '__proto__' key a plain key that cannot be followed", () => {
    const root = { data: JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown> };
    expect(failure("data['__proto__'].polluted", { root }).reason).toBe("access to '__proto__' is not allowed");
    expect(evaluateExpression('#toJson(data)', { root })).toBe('{"__proto__":{"polluted":true},"ok":1}');
    const copied = evaluateExpression('data', { root }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('does not let a map literal change a prototype', () => {
    const made = evaluateExpression("{'__proto__': {'polluted': true}}", scope) as Record<string, unknown>;
    expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('sandbox: bounded time, depth and size', () => {
  it('stops a huge expression by the step limit', () => {
    const src = Array.from({ length: 60 }, () => 'trigger.artifacts.![name].size()').join(' + ');
    expect(evaluateExpression(src, scope)).toBe(120);
    expect(() => evaluateExpression(src, scope, { maxSteps: 100 })).toThrow('evaluation took more than 100 steps');
  });

  it('counts every element of a selection or projection as a step', () => {
    const root = { items: Array.from({ length: 5000 }, (_, i) => i) };
    expect(evaluateExpression('items.?[#this > 4990].size()', { root })).toBe(9);
    expect(() => evaluateExpression('items.![#root.items.![#this]]', { root })).toThrow('evaluation took more than 100000 steps');
  });

  it('stops repeated string doubling by the result size', () => {
    const err = (() => {
      try {
        evaluateExpression("#toJson(#toJson(#toJson(#toJson(#toJson(#toJson(#toJson(#toJson(#toJson(#toJson(#toJson(#toJson(#toJson(#toJson(#toJson(#toJson(#toJson(#toJson('\\\\'))))))))))))))))))", scope);
      } catch (e) {
        return e as ExpressionEvaluationError;
      }
      return undefined;
    })();
    expect(err?.reason).toBe('result is longer than 100000 characters');
    const root = { s: 'x'.repeat(60_000) };
    expect(failure('s + s', { root })).toEqual({ position: 2, reason: 'result is longer than 100000 characters' });
    expect(failure("s.replace('x', 'xx')", { root })).toEqual({ position: 2, reason: 'result is longer than 100000 characters' });
    expect(() => evaluateExpression("s.replace('x', 'xx')", { root }, { maxResultSize: 200_000 })).not.toThrow();
  });

  it('bounds regex work by steps as well as by input size', () => {
    const root = { s: 'a'.repeat(10_000) };
    expect(evaluateExpression("s matches '(a+)+'", { root })).toBe(true);
    expect(() => evaluateExpression("s matches '(a+)+'", { root }, { maxSteps: 50 })).toThrow('evaluation took more than 50 steps');
    expect(failure("(s + 'a') matches 'a*'", { root }).reason).toBe('regular expressions only run on text up to 10000 characters (got 10001)');
    expect(failure("'a' matches '" + 'a'.repeat(501) + "'").reason).toBe('regular expression is longer than 500 characters');
  });

  it('bounds list sizes', () => {
    const root = { s: 'ab'.repeat(20) };
    expect(evaluateExpression("s.split('').size()", { root })).toBe(40);
    expect(() => evaluateExpression("s.split('')", { root }, { maxResultSize: 30 })).toThrow('list has more than 30 elements');
  });

  it('refuses invalid limits with its own error type', () => {
    expect(() => evaluateExpression('1', scope, { maxSteps: 0 })).toThrow(ExpressionEvaluationError);
    expect(() => evaluateExpression('1', scope, { maxDepth: 1.5 })).toThrow('limit maxDepth must be a positive integer, got 1.5');
    expect(() => evaluateTemplate('${1}', scope, { maxResultSize: -1 })).toThrow(ExpressionEvaluationError);
  });

  it('turns anything unexpected into its own error type', () => {
    // A scope whose data is cyclic cannot be copied; the evaluator still fails with its own error.
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(failure('c', { root: { c: cyclic } }).reason).toBe('data is nested too deeply to copy');
    const hostileRoot = new Proxy({}, { getPrototypeOf: () => { throw new TypeError('boom'); } });
    expect(failure('a', { root: hostileRoot })).toEqual({ position: 0, reason: 'internal error: boom' });
  });
});
