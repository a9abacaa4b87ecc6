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

describe('#functions', () => {
  it.each<[string, unknown]>([
    ["#stage('Canary')['status']", 'FAILED_CONTINUE'],
    ["#stage('Canary').status", 'FAILED_CONTINUE'],
    ["#stage('Bake')['outputs']['ami']", 'ami-0abc'],
    ["#stage('Bake')['context'].region", 'us-east-1'],
    ["#stage('Bake').id + '/' + #stage('Bake').refId + '/' + #stage('Bake').type", 'st-1/1/bake'],
    ["#stage('Deploy')['context']['deploy.server.groups']['us-east-1'][0]", 'tracks-prod-v042'],
    ["#stageByRefId('3').name", 'Canary Analysis'],
    ["#stageExists('Bake')", true],
    ["#stageExists('Nope')", false],
    ["#judgment('Proceed Anyway?')", 'Rollback'],
    ["#judgement('Proceed Anyway?') == 'Rollback'", true],
    ["#pipelineId('Deploy to Prod')", '078ea5bb-b747-4a5d-96b0-c7aa4793a2cf'],
    ["#toJson({a: 1, b: {'x', null}})", '{"a":1,"b":["x",null]}'],
    ['#toJson(parameters.tags)', '["blue","green"]'],
    ["#toJson('quote\"d')", '"quote\\"d"'],
    ['#readJson(payload).version', '1.2.3'],
    ['#readJson(payload)[\'regions\'][1]', 'eu-west-1'],
    ["#readJson('[1, 2]').size()", 2],
    ['#readJson(#toJson(trigger.buildInfo)) == trigger.buildInfo', true],
    ['#toInt(trigger.parameters.count) + 1', 4],
    ["#toInt(' -12 ')", -12],
    ['#toInt(7)', 7],
    ["#toFloat('2.5') * 2", 5],
    ["#toFloat('1e2')", 100],
    ["#toBoolean('TRUE')", true],
    ["#toBoolean('yes')", false],
    ['#toBoolean(nothing)', false],
    ['#toBoolean(useCandidateBuild)', true],
    ["#alphanumerical('tracks_prod-v042!')", 'tracksprodv042'],
    ["#toBase64('héllo')", 'aMOpbGxv'],
    ["#fromBase64('aMOpbGxv')", 'héllo'],
  ])('%s = %j', (src, expected) => {
    expect(ev(src)).toEqual(expected);
  });

  it.each([
    ["#stage('Nope')", 7, "no stage with name 'Nope' in this execution"],
    ["#stage('Canary', 1)", 0, '#stage takes 1 argument, got 2'],
    ['#stage(1)', 7, 'argument 1 must be a string, got number'],
    ["#judgment('Canary')", 10, "stage 'Canary' is a canary stage, not a manualJudgment stage"],
    ["#judgment('Nope')", 10, "no manualJudgment stage named 'Nope' in this execution"],
    ["#pipelineId('Missing')", 12, "no pipeline named 'Missing' in this application"],
    ["#readJson('{oops')", 10, expect.stringMatching(/^#readJson: not valid JSON \(/)],
    ["#toInt('1.5')", 7, "#toInt: cannot convert '1.5' to an integer"],
    ['#toInt(1.5)', 7, 'argument 1 must be an integer, got number'],
    ["#toFloat('abc')", 9, "#toFloat: cannot convert 'abc' to a number"],
    ['#toBoolean({1})', 11, '#toBoolean: cannot convert list to a boolean'],
    ["#fromBase64('***')", 12, '#fromBase64: not valid base64'],
    ["1 + #nope('x')", 4, "unknown function '#nope'"],
    ["#fromUrl('http://169.254.169.254/')", 0, '#fromUrl is not supported: expressions cannot make network requests'],
    ["#jsonFromUrl('http://x')", 0, '#jsonFromUrl is not supported: expressions cannot make network requests'],
    ['#stage', 0, '#stage is a function: call it as #stage(...)'],
    ['#undefinedVariable', 0, "unknown variable '#undefinedVariable'"],
  ])('%s fails at %d: %s', (src, position, reason) => {
    expect(failure(src)).toEqual({ position, reason });
  });

  it('works without stages or pipeline ids in the scope', () => {
    const bare = { root: {} };
    expect(evaluateExpression("#stageExists('A')", bare)).toBe(false);
    expect(() => evaluateExpression("#stage('A')", bare)).toThrow("no stage with name 'A' in this execution");
    expect(() => evaluateExpression("#pipelineId('A')", bare)).toThrow("no pipeline named 'A' in this application");
  });

  it('hands out a copy of the stage, never the engine object', () => {
    const local = testScope();
    const context = evaluateExpression("#stage('Bake')['context']", local) as Record<string, unknown>;
    context['region'] = 'changed';
    expect(local.stages?.[0]?.context['region']).toBe('us-east-1');
  });

  it('returns null when the judgment has no input yet', () => {
    const local = { root: {}, stages: [{ id: 'a', refId: '1', name: 'Gate', type: 'manualJudgment', status: 'RUNNING', context: {}, outputs: {} }] };
    expect(evaluateExpression("#judgment('Gate')", local)).toBeNull();
  });

  it('refuses deeply nested JSON in #readJson', () => {
    const deep = '['.repeat(200) + ']'.repeat(200);
    expect(() => evaluateExpression('#readJson(s)', { root: { s: deep } })).toThrow('#readJson: JSON is nested deeper than 100 levels');
  });
});
