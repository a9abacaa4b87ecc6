import { describe, expect, it } from 'vitest';
import { evaluateObject, findExpressionSyntaxErrors } from './evaluate-object';
import { testScope } from './test-scope';

const scope = testScope();

describe('evaluateObject', () => {
  it('evaluates every string deep inside objects and arrays, and not the keys', () => {
    const context = {
      account: 'prod',
      '${parameters.region}': 'keys are left alone',
      capacity: { desired: '${parameters.replicas}', max: 10 },
      regions: ['${parameters.region}', 'eu-west-1'],
      notes: 'build ${trigger.buildInfo.number} by ${trigger.user}',
      flags: [true, null, 3],
    };
    expect(evaluateObject(context, scope)).toEqual({
      value: {
        account: 'prod',
        '${parameters.region}': 'keys are left alone',
        capacity: { desired: 3, max: 10 },
        regions: ['us-east-1', 'eu-west-1'],
        notes: 'build 42 by ana@example.com',
        flags: [true, null, 3],
      },
      errors: [],
    });
  });

  it('keeps a failing string as it was and records its JSON pointer', () => {
    const context = { clusters: [{ 'ami/name': '${nothing.ami}', ok: '${parameters.region}' }], bad: 'x ${#stage("Nope").status}' };
    const result = evaluateObject(context, scope);
    expect(result.value).toEqual({ clusters: [{ 'ami/name': '${nothing.ami}', ok: 'us-east-1' }], bad: 'x ${#stage("Nope").status}' });
    expect(result.errors).toEqual([
      { expression: 'nothing.ami', position: 8, reason: "cannot read property 'ami' of null (use ?. to allow null)", path: '/clusters/0/ami~1name' },
      { expression: '#stage("Nope").status', position: 7, reason: "no stage with name 'Nope' in this execution", path: '/bad' },
    ]);
  });

  it('does not modify its input', () => {
    const context = { a: '${parameters.replicas}', list: ['${useCandidateBuild}'] };
    const before = JSON.stringify(context);
    evaluateObject(context, scope);
    expect(JSON.stringify(context)).toBe(before);
  });

  it('evaluates a lone string and passes other values through', () => {
    expect(evaluateObject('${parameters.replicas}', scope).value).toBe(3);
    expect(evaluateObject(7, scope).value).toBe(7);
    expect(evaluateObject(null, scope).value).toBeNull();
    const date = new Date(0);
    expect(evaluateObject({ date }, scope).value.date).toBe(date);
  });

  it("keeps a '__proto__' key a key", () => {
    const input = JSON.parse('{"__proto__": {"x": "${parameters.region}"}}') as Record<string, unknown>;
    const { value } = evaluateObject(input, scope);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ x: 'us-east-1' });
  });
});

describe('findExpressionSyntaxErrors', () => {
  it('checks syntax without a scope, with pointers, for saving pipelines', () => {
    const pipeline = {
      stages: [
        { name: 'ok', stageEnabled: { expression: "${parameters.x == 'y'}" } },
        { name: 'bad', command: 'run ${ T(java.lang.Runtime) } now', other: '${a ==}' },
      ],
    };
    expect(findExpressionSyntaxErrors(pipeline)).toEqual([
      { expression: ' T(java.lang.Runtime) ', position: 1, reason: 'type references (T(...)) are not allowed', path: '/stages/1/command' },
      { expression: 'a ==', position: 4, reason: 'unexpected end of expression', path: '/stages/1/other' },
    ]);
  });

  it('does not evaluate: unknown stages and variables are not syntax errors', () => {
    expect(findExpressionSyntaxErrors({ a: "${#stage('Nope').status + missing.x}" })).toEqual([]);
  });
});
