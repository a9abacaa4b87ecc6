import { InputError, type ErrorDetail } from '@gennaker/common';
import { describe, expect, it } from 'vitest';
import type { PipelineConfig, StageTypeInfo } from './model';
import {
  assertValidPipeline,
  compilePipelineValidator,
  validatePipeline,
  validatePipelineJson,
} from './validate-pipeline.util';

const WAIT: StageTypeInfo = {
  type: 'wait',
  contextSchema: {
    type: 'object',
    properties: { waitTime: { type: 'integer', minimum: 0, title: 'Wait time', description: 'Seconds.' } },
    required: ['waitTime'],
    additionalProperties: false,
  },
};
const STAGE_TYPES: StageTypeInfo[] = [WAIT, { type: 'deploy' }, { type: 'kayentaCanary', aliases: ['canary'] }];

function pipeline(stages: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { application: 'app', name: 'p', stages, ...extra };
}
const wait = (refId: unknown, requisiteStageRefIds: unknown[] = [], extra: Record<string, unknown> = {}) => ({
  refId,
  type: 'wait',
  waitTime: 1,
  requisiteStageRefIds,
  ...extra,
});

function errorsOf(input: unknown, stageTypes: StageTypeInfo[] = STAGE_TYPES): ErrorDetail[] {
  const result = validatePipeline(input, { stageTypes });
  return result.valid ? [] : result.errors;
}
const pointersOf = (input: unknown) => errorsOf(input).map((e) => e.pointer);

describe('validatePipeline: schema errors as pointers', () => {
  it('accepts a valid pipeline and returns it normalised', () => {
    const result = validatePipeline(pipeline([wait(1), wait('2', [1])]), { stageTypes: STAGE_TYPES });
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    const p: PipelineConfig = result.pipeline;
    expect(p.stages.map((s) => [s.refId, s.requisiteStageRefIds, s.name])).toEqual([
      ['1', [], 'wait'],
      ['2', ['1'], 'wait'],
    ]);
    expect(p.limitConcurrent).toBe(true);
  });

  it('points a missing required key at the key itself', () => {
    expect(errorsOf(pipeline([wait('1'), { type: 'deploy' }]))).toEqual([
      { pointer: '/stages/1/refId', message: 'stages[1].refId is required' },
    ]);
    expect(pointersOf({})).toEqual(['/application', '/name', '/stages']);
  });

  it('points an unknown key of a closed object at the key', () => {
    const window = { whitelist: [{ startHour: 1, startMin: 0, endHour: 2, endMin: 0, startSecond: 3 }] };
    expect(errorsOf(pipeline([wait('1', [], { restrictedExecutionWindow: window })]))).toEqual([
      {
        pointer: '/stages/0/restrictedExecutionWindow/whitelist/0/startSecond',
        message:
          'stages[0].restrictedExecutionWindow.whitelist[0].startSecond is not a known key of stages[0].restrictedExecutionWindow.whitelist[0]',
      },
    ]);
  });

  it('names the field and the expected type', () => {
    const errors = errorsOf(pipeline([wait('1', [], { failPipeline: 'yes', stageTimeoutMs: '900000' })], { limitConcurrent: 1 }));
    expect(errors).toEqual([
      { pointer: '/limitConcurrent', message: 'limitConcurrent must be true or false' },
      { pointer: '/stages/0/failPipeline', message: 'stages[0].failPipeline must be true or false' },
      { pointer: '/stages/0/stageTimeoutMs', message: 'stages[0].stageTimeoutMs must be an integer' },
    ]);
    expect(errorsOf(pipeline([wait(true)]))).toEqual([
      { pointer: '/stages/0/refId', message: 'stages[0].refId must be a string or an integer' },
    ]);
  });

  it('keeps unknown keys: Spinnaker metadata on the pipeline, context on stages, anything on triggers', () => {
    const doc = pipeline([{ refId: '1', type: 'deploy', clusters: [{ account: 'prod' }], spelEvaluator: 'v2' }], {
      updateTs: '1504243528000',
      lastModifiedBy: 'someone',
      triggers: [{ type: 'jenkins', enabled: false, job: 'x', master: 'm' }, { type: 'somethingNew', enabled: true }],
    });
    expect(errorsOf(doc)).toEqual([]);
  });

  it('applies the stage type\'s context schema, through aliases too, without refusing common keys', () => {
    const typed: StageTypeInfo[] = [...STAGE_TYPES.filter((t) => t.type !== 'kayentaCanary'), {
      type: 'kayentaCanary',
      aliases: ['canary'],
      contextSchema: { type: 'object', properties: { canaryConfig: { type: 'object' } }, required: ['canaryConfig'] },
    }];
    const doc = pipeline([
      { refId: '1', type: 'wait', waitTime: 'soon' },
      { refId: '2', type: 'wait' },
      { refId: '3', type: 'wait', waitTime: 5, extra: true },
      { refId: '4', type: 'canary' },
      // additionalProperties: false in wait's schema must not refuse the common keys.
      { refId: '5', type: 'wait', waitTime: 5, name: 'w', requisiteStageRefIds: ['1'], stageTimeoutMs: 5, comments: 'c', stageEnabled: { expression: 'true' } },
    ]);
    expect(errorsOf(doc, typed)).toEqual([
      { pointer: '/stages/0/waitTime', message: 'stages[0].waitTime must be an integer' },
      { pointer: '/stages/1/waitTime', message: 'stages[1].waitTime is required' },
      { pointer: '/stages/2/extra', message: 'stages[2].extra is not a known key of stages[2]' },
      { pointer: '/stages/3/canaryConfig', message: 'stages[3].canaryConfig is required' },
    ]);
  });

  it('checks stageTimeoutMs is a positive integer', () => {
    for (const bad of [0, -5, 1.5]) {
      expect(pointersOf(pipeline([wait('1', [], { stageTimeoutMs: bad })]))).toEqual(['/stages/0/stageTimeoutMs']);
    }
    expect(pointersOf(pipeline([wait('1', [], { stageTimeoutMs: 900_000, overrideTimeout: true })]))).toEqual([]);
  });

  it('checks execution windows: hours 0-23, minutes 0-59, days 1-7, a known time zone', () => {
    const window = {
      whitelist: [{ startHour: 24, startMin: 60, endHour: -1, endMin: 0 }],
      days: [0, 1, 8],
      timeZone: 'Mars/Olympus_Mons',
    };
    expect(pointersOf(pipeline([wait('1', [], { restrictExecutionDuringTimeWindow: true, restrictedExecutionWindow: window })]))).toEqual([
      '/stages/0/restrictedExecutionWindow/days/0',
      '/stages/0/restrictedExecutionWindow/days/2',
      '/stages/0/restrictedExecutionWindow/timeZone',
      '/stages/0/restrictedExecutionWindow/whitelist/0/endHour',
      '/stages/0/restrictedExecutionWindow/whitelist/0/startHour',
      '/stages/0/restrictedExecutionWindow/whitelist/0/startMin',
    ]);
    const fine = { whitelist: [{ startHour: 0, startMin: 0, endHour: 23, endMin: 59 }], days: [1, 7], timeZone: 'Europe/Paris' };
    expect(pointersOf(pipeline([wait('1', [], { restrictedExecutionWindow: fine })]))).toEqual([]);
  });

  it('follows Spinnaker on limitConcurrent with maxConcurrentExecutions: the maximum is ignored, not refused', () => {
    expect(pointersOf(pipeline([], { limitConcurrent: true, maxConcurrentExecutions: 3 }))).toEqual([]);
    expect(pointersOf(pipeline([], { limitConcurrent: false, maxConcurrentExecutions: -1 }))).toEqual(['/maxConcurrentExecutions']);
  });
});

describe('validatePipeline: graph checks', () => {
  it('reports a duplicate refId on the later stage, numbers and strings alike', () => {
    const errors = errorsOf(pipeline([wait('1'), wait('2'), wait(1)]));
    expect(errors).toEqual([{ pointer: '/stages/2/refId', message: 'duplicate refId "1": stages[2] uses the refId of stages[0]' }]);
  });

  it('reports an unknown or self requisite at its array element', () => {
    const errors = errorsOf(pipeline([wait('1'), wait('2', ['1', '9', '2'], { name: 'Deploy' })]));
    expect(errors).toEqual([
      { pointer: '/stages/1/requisiteStageRefIds/1', message: 'stages[1] ("Deploy") depends on refId "9", which no stage has' },
      { pointer: '/stages/1/requisiteStageRefIds/2', message: 'stages[1] ("Deploy") depends on itself (refId "2")' },
    ]);
  });

  it('reports a cycle with its refIds in execution order, at the first stage of it', () => {
    // 1 waits for 3, 2 for 1, 3 for 2; 4 hangs off the cycle and is not part of it.
    const errors = errorsOf(pipeline([wait('1', ['3']), wait('2', ['1']), wait('3', ['2']), wait('4', ['3'])]));
    expect(errors).toEqual([
      { pointer: '/stages/0/requisiteStageRefIds/0', message: 'stages form a cycle: 1 -> 2 -> 3 -> 1 (stages[0] is part of it)' },
    ]);
  });

  it('reports each separate cycle, and finds none in a diamond', () => {
    const twoCycles = pipeline([wait('a', ['b']), wait('b', ['a']), wait('c', ['d']), wait('d', ['c'])]);
    expect(errorsOf(twoCycles).map((e) => e.message)).toEqual([
      'stages form a cycle: a -> b -> a (stages[0] is part of it)',
      'stages form a cycle: c -> d -> c (stages[2] is part of it)',
    ]);
    const diamond = pipeline([wait('1'), wait('2', ['1']), wait('3', ['1']), wait('4', ['2', '3'])]);
    expect(errorsOf(diamond)).toEqual([]);
  });

  it('handles a 500-stage chain closed into one cycle without deep recursion', () => {
    const stages = Array.from({ length: 500 }, (_, i) => wait(String(i), [String((i + 499) % 500)]));
    const errors = errorsOf(pipeline(stages));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message.startsWith('stages form a cycle: 0 -> 1 -> 2 -> ')).toBe(true);
    expect(errors[0]!.message).toContain('-> 499 -> 0 ');
  });

  it('names an unknown stage type, its stage, and says it is not supported yet', () => {
    const errors = errorsOf(pipeline([{ refId: '1', type: 'script', name: 'Compare builds' }]));
    expect(errors).toEqual([
      { pointer: '/stages/0/type', message: 'stage type "script" of stages[0] ("Compare builds") is not supported yet' },
    ]);
  });
});

describe('validatePipeline: parameters and artifacts', () => {
  const params = (parameterConfig: unknown[]) => pipeline([], { parameterConfig });

  it('accepts Spinnaker-style parameters, a required one with an empty default included', () => {
    expect(
      errorsOf(
        params([
          { name: 'Force_Canary', default: 'false', hasOptions: true, options: [{ value: 'true' }, { value: 'false' }] },
          { name: 'ami_us_east_1', required: true, default: '' },
          { name: 'docker-tag', default: 3, hasOptions: true, options: [{ value: 3 }] },
        ]),
      ),
    ).toEqual([]);
  });

  it('refuses duplicate and invalid names, options missing, and a default outside the options', () => {
    expect(
      errorsOf(
        params([
          { name: 'env' },
          { name: 'env' },
          { name: 'has space' },
          { label: 'no name' },
          { name: 'region', hasOptions: true },
          { name: 'size', hasOptions: true, options: [] },
          { name: 'tier', hasOptions: true, default: 'gold', options: [{ value: 'silver' }, { value: 'bronze' }] },
        ]),
      ),
    ).toEqual([
      { pointer: '/parameterConfig/1/name', message: 'duplicate parameter name "env": also parameterConfig[0]' },
      {
        pointer: '/parameterConfig/2/name',
        message: 'parameterConfig[2].name must start with a letter or "_" and hold only letters, digits, "_", "-" or "." (at most 128)',
      },
      { pointer: '/parameterConfig/3/name', message: 'parameterConfig[3].name is required' },
      { pointer: '/parameterConfig/4/options', message: 'parameter "region" has hasOptions true but no options' },
      { pointer: '/parameterConfig/5/options', message: 'parameter "size" has hasOptions true but no options' },
      { pointer: '/parameterConfig/6/default', message: 'default "gold" of parameter "tier" is not one of its options ("silver", "bronze")' },
    ]);
  });

  it('refuses two expected artifacts with one id', () => {
    expect(pointersOf(pipeline([], { expectedArtifacts: [{ id: 'a' }, { id: 'a' }] }))).toEqual(['/expectedArtifacts/1/id']);
  });
});

describe('validatePipeline: hostile input, error list, identity', () => {
  it('refuses hostile input in the pre-check, before the schema and graph checks run', () => {
    const body = '{"application": 5, "stages": [{"refId": "1", "type": "nope", "__proto__": {"x": 1}}]}';
    expect(errorsOf(JSON.parse(body))).toEqual([{ pointer: '/stages/0/__proto__', message: 'key "__proto__" is not allowed' }]);
  });

  it('returns every error sorted by pointer (numbers as numbers), bounded to 100', () => {
    const stages = Array.from({ length: 150 }, (_, i) => ({ refId: String(i), type: 'nope' }));
    const errors = errorsOf(pipeline(stages));
    expect(errors).toHaveLength(100);
    expect(errors[0]).toEqual({ pointer: '', message: '51 more errors not shown' });
    expect(errors.slice(1, 4).map((e) => e.pointer)).toEqual(['/stages/0/type', '/stages/1/type', '/stages/2/type']);
    expect(errors.at(-1)!.pointer).toBe('/stages/98/type');
  });

  it('stops reading errors past a budget on hostile bodies, and says so', () => {
    const errors = errorsOf(pipeline([], { parameterConfig: Array.from({ length: 5000 }, () => ({})) }));
    expect(errors).toHaveLength(100);
    expect(errors[0]).toEqual({ pointer: '', message: 'at least 901 more errors not shown (checking stopped early)' });
    expect(errors[1]!.pointer).toBe('/parameterConfig/0/name');
  });

  it('keeps messages short whatever the keys and values', () => {
    const key = 'k'.repeat(60_000);
    const window = { whitelist: [{ startHour: 1, startMin: 0, endHour: 2, endMin: 0, [key]: 1 }], timeZone: 'z'.repeat(60_000) };
    const errors = errorsOf(pipeline([wait('r'.repeat(60_000), [], { restrictedExecutionWindow: window, name: 'n'.repeat(60_000) })]));
    expect(errors.map((e) => e.pointer.slice(0, 60))).toEqual([
      '/stages/0/restrictedExecutionWindow/timeZone',
      `/stages/0/restrictedExecutionWindow/whitelist/0/${key}`.slice(0, 60),
    ]);
    for (const e of errors) expect(e.message.length).toBeLessThan(400);
  });

  it('lets a draft without application or name through when asked, and fills defaults otherwise', () => {
    const draft = { stages: [wait('1')] };
    expect(validatePipeline(draft, { stageTypes: STAGE_TYPES, requireIdentity: false })).toMatchObject({ valid: true });
    expect(pointersOf(draft)).toEqual(['/application', '/name']);
    const filled = validatePipeline(draft, { stageTypes: STAGE_TYPES, defaults: { application: 'app', name: 'from-file' } });
    expect(filled).toMatchObject({ valid: true, pipeline: { application: 'app', name: 'from-file' } });
    // A value in the document wins over the default; a wrong one is still refused.
    expect(validatePipeline({ ...draft, application: 7 }, { stageTypes: STAGE_TYPES, defaults: { application: 'app', name: 'n' } })).toMatchObject({
      valid: false,
      errors: [{ pointer: '/application' }],
    });
  });

  it('assertValidPipeline throws an InputError carrying the pointers', () => {
    try {
      assertValidPipeline(pipeline([wait('1', ['2'])]), { stageTypes: STAGE_TYPES });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).details.map((d) => d.pointer)).toEqual(['/stages/0/requisiteStageRefIds/0']);
    }
  });
});

describe('validatePipelineJson', () => {
  const opts = { stageTypes: STAGE_TYPES };
  it('refuses empty, malformed and oversized text at the root', () => {
    for (const text of ['', '   ', '{"application": ', "{'a': 1}", '{"a":1}{"b":2}']) {
      expect(validatePipelineJson(text, opts), text).toMatchObject({ valid: false, errors: [{ pointer: '' }] });
    }
    const huge = JSON.stringify(pipeline([], { blob: 'x'.repeat(1024 * 1024) }));
    expect(validatePipelineJson(huge, opts)).toMatchObject({ valid: false, errors: [{ pointer: '', message: expect.stringContaining('larger than') }] });
  });
  it('validates parsed text like validatePipeline', () => {
    expect(validatePipelineJson(JSON.stringify(pipeline([wait('1')])), opts).valid).toBe(true);
  });
});

describe('compilePipelineValidator', () => {
  it('compiles once per stage-type set, by identity and by content', () => {
    const a = compilePipelineValidator(STAGE_TYPES);
    expect(compilePipelineValidator(STAGE_TYPES)).toBe(a);
    expect(compilePipelineValidator(STAGE_TYPES.map((t) => ({ ...t })))).toBe(a);
    expect(compilePipelineValidator([{ type: 'wait' }])).not.toBe(a);
  });
  it('refuses at compile time a type declared twice or a context schema Ajv cannot compile', () => {
    expect(() => compilePipelineValidator([{ type: 'wait' }, { type: 'deploy', aliases: ['wait'] }])).toThrow(/declared twice/);
    expect(() => compilePipelineValidator([{ type: 'bad', contextSchema: { type: 'object', notAKeyword: 1 } }])).toThrow();
  });
});
