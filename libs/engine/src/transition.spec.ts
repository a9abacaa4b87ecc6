import { InputError, TransientError } from '@gennaker/common';
import type { PipelineConfig, StageConfig } from '@gennaker/pipeline';
import { beforeEach, describe, expect, it } from 'vitest';
import { builtinStageDefinitions, builtinTasks } from './builtin-stages';
import { createExecution } from './execution-factory';
import type { Execution, Stage } from './model';
import { StageRegistry } from './registry';
import type { StageDefinition, TaskImplementation } from './stage-definition';
import { InMemoryDriver, literalExpressions } from './testing/in-memory-driver';

/**
 * A scripted stage: its task answers RUNNING `polls` times, then `outcome`
 * (a status, or `transient`/`input` to throw), recording each call.
 */
const calls: string[] = [];
const scriptedTask: TaskImplementation = {
  type: 'scripted',
  backoffMs: () => 1000,
  timeoutMs: (input) => Number(input.stage.context['taskTimeoutMs'] ?? 0),
  async execute(input) {
    calls.push(input.stage.refId);
    const ctx = input.stage.context;
    const done = Number(ctx['pollsDone'] ?? 0);
    if (done < Number(ctx['polls'] ?? 0)) return { status: 'RUNNING', context: { pollsDone: done + 1 } };
    const failUntil = Number(ctx['failTimes'] ?? 0);
    if (input.task.attempts < failUntil) throw new TransientError(`flaky ${input.task.attempts}`);
    const outcome = String(ctx['outcome'] ?? 'SUCCEEDED');
    if (outcome === 'input') throw new InputError('bad field', [{ pointer: '/x', message: 'no' }]);
    if (outcome === 'transient') throw new TransientError('remote down');
    if (outcome === 'TERMINAL') return { status: 'TERMINAL', error: { message: `stage ${input.stage.refId} failed` } };
    return { status: outcome as 'SUCCEEDED', outputs: { [`out${input.stage.refId}`]: true } };
  },
};
const scripted: StageDefinition = {
  type: 'scripted',
  label: 'Scripted',
  description: 'test stage',
  taskTypes: ['scripted'],
  syntheticStageTypes: ['scripted'],
  plan: ({ stage }) => ({
    tasks: [{ name: 'scripted', type: 'scripted' }],
    before: (stage.context['before'] as StageConfig[] | undefined)?.map((c, i) => ({ type: 'scripted', name: `before${i}`, context: c })),
    after: (stage.context['after'] as StageConfig[] | undefined)?.map((c, i) => ({ type: 'scripted', name: `after${i}`, context: c })),
  }),
  onFailure: ({ stage }) =>
    stage.context['rollbackOnFailure'] === true ? [{ type: 'scripted', name: 'rollback', context: {} }] : [],
};

const registry = new StageRegistry([scripted, ...builtinStageDefinitions], [scriptedTask, ...builtinTasks]);

function pipeline(stages: Array<Partial<StageConfig> & { refId: string }>, extra: Partial<PipelineConfig> = {}): PipelineConfig {
  return {
    application: 'app',
    name: 'p',
    stages: stages.map((s) => ({ type: 'scripted', requisiteStageRefIds: [], ...s })),
    ...extra,
  };
}

let driver: InMemoryDriver;
let n = 0;
function start(config: PipelineConfig, pipelineConfigId: string | null = null): Execution {
  const e = createExecution({
    id: `e${++n}`,
    type: 'PIPELINE',
    config,
    pipelineConfigId,
    trigger: { type: 'manual', parameters: {} },
    now: driver.now + n,
    newId: driver.newId,
  });
  driver.add(e);
  driver.send({ type: 'StartExecution', executionId: e.id });
  return e;
}
const byRef = (e: Execution, refId: string): Stage => e.stages.find((s) => s.refId === refId) as Stage;
const statuses = (e: Execution): Record<string, string> =>
  Object.fromEntries(e.stages.filter((s) => s.parentStageId === null).map((s) => [s.refId, s.status]));

beforeEach(() => {
  driver = new InMemoryDriver(registry, literalExpressions);
  calls.length = 0;
});

describe('graph', () => {
  it('runs a linear pipeline in order', async () => {
    const e = start(pipeline([{ refId: '1' }, { refId: '2', requisiteStageRefIds: ['1'] }, { refId: '3', requisiteStageRefIds: ['2'] }]));
    await driver.run();
    expect(e.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['1', '2', '3']);
    expect(e.startTime).not.toBeNull();
    expect(e.endTime).not.toBeNull();
  });

  it('joins a diamond once: 4 starts after both 2 and 3', async () => {
    const e = start(
      pipeline([
        { refId: '1' },
        { refId: '2', requisiteStageRefIds: ['1'], polls: 2 },
        { refId: '3', requisiteStageRefIds: ['1'], polls: 2 },
        { refId: '4', requisiteStageRefIds: ['2', '3'] },
      ]),
    );
    await driver.run();
    expect(e.status).toBe('SUCCEEDED');
    expect(calls.filter((c) => c === '4')).toHaveLength(1);
    const s4 = byRef(e, '4');
    expect(s4.startTime).toBeGreaterThanOrEqual(Math.max(byRef(e, '2').endTime!, byRef(e, '3').endTime!));
  });

  it('makes upstream outputs visible to tasks through lookup', async () => {
    const seen: unknown[] = [];
    const reg = new StageRegistry(
      [scripted, { ...scripted, type: 'reader', taskTypes: ['reader'], syntheticStageTypes: [], plan: () => ({ tasks: [{ name: 'r', type: 'reader' }] }) }],
      [scriptedTask, { type: 'reader', execute: async (i) => (seen.push(i.lookup('out1')), { status: 'SUCCEEDED' }) }],
    );
    driver = new InMemoryDriver(reg, literalExpressions);
    start(pipeline([{ refId: '1' }, { refId: '2', type: 'reader', requisiteStageRefIds: ['1'] }]));
    await driver.run();
    expect(seen).toEqual([true]);
  });
});

describe('failure flags (Spinnaker semantics)', () => {
  const twoBranches = (flags: Partial<StageConfig>) =>
    pipeline([
      { refId: '1', outcome: 'TERMINAL', ...flags },
      { refId: '2', requisiteStageRefIds: ['1'] },
      { refId: '3', polls: 3 },
    ]);

  it('failPipeline (default): stage TERMINAL, execution TERMINAL, the other branch canceled', async () => {
    const e = start(twoBranches({}));
    await driver.run();
    expect(statuses(e)).toEqual({ '1': 'TERMINAL', '2': 'NOT_STARTED', '3': 'CANCELED' });
    expect(e.status).toBe('TERMINAL');
    expect(byRef(e, '1').error?.message).toBe('stage 1 failed');
  });

  it('continuePipeline: stage FAILED_CONTINUE, downstream runs, execution SUCCEEDED', async () => {
    const e = start(twoBranches({ continuePipeline: true, failPipeline: false }));
    await driver.run();
    expect(statuses(e)).toEqual({ '1': 'FAILED_CONTINUE', '2': 'SUCCEEDED', '3': 'SUCCEEDED' });
    expect(e.status).toBe('SUCCEEDED');
  });

  it('failPipeline false: stage STOPPED, its branch halts, the other completes, execution SUCCEEDED', async () => {
    const e = start(twoBranches({ failPipeline: false }));
    await driver.run();
    expect(statuses(e)).toEqual({ '1': 'STOPPED', '2': 'NOT_STARTED', '3': 'SUCCEEDED' });
    expect(e.status).toBe('SUCCEEDED');
  });

  it('completeOtherBranchesThenFail: STOPPED, other branches complete, then execution TERMINAL', async () => {
    const e = start(twoBranches({ failPipeline: false, completeOtherBranchesThenFail: true }));
    await driver.run();
    expect(statuses(e)).toEqual({ '1': 'STOPPED', '2': 'NOT_STARTED', '3': 'SUCCEEDED' });
    expect(e.status).toBe('TERMINAL');
  });

  it('a failing synthetic before-stage fails its parent with the parent\'s flags', async () => {
    const e = start(pipeline([{ refId: '1', before: [{ outcome: 'TERMINAL' }], continuePipeline: true }, { refId: '2', requisiteStageRefIds: ['1'] }]));
    await driver.run();
    expect(byRef(e, '1').status).toBe('FAILED_CONTINUE');
    expect(byRef(e, '2').status).toBe('SUCCEEDED');
    expect(calls).toEqual(['1<1', '2']);
  });
});

describe('stageEnabled', () => {
  it('skips a disabled stage and runs what follows', async () => {
    const e = start(pipeline([{ refId: '1', stageEnabled: { type: 'expression', expression: 'false' } }, { refId: '2', requisiteStageRefIds: ['1'] }]));
    await driver.run();
    expect(statuses(e)).toEqual({ '1': 'SKIPPED', '2': 'SUCCEEDED' });
    expect(e.status).toBe('SUCCEEDED');
  });
  it('fails a stage whose stageEnabled expression fails, naming it', async () => {
    const e = start(pipeline([{ refId: '1', stageEnabled: { type: 'expression', expression: 'fail' } }]));
    await driver.run();
    expect(byRef(e, '1').status).toBe('TERMINAL');
    expect(byRef(e, '1').error?.message).toContain('${fail} at position 0: boom');
    expect(e.status).toBe('TERMINAL');
  });
});

describe('synthetic stages', () => {
  it('runs before-stages, tasks, after-stages in order and merges child outputs', async () => {
    const e = start(pipeline([{ refId: '1', before: [{}, {}], after: [{}] }]));
    await driver.run();
    expect(calls).toEqual(['1<1', '1<2', '1', '1>1']);
    expect(e.status).toBe('SUCCEEDED');
    expect(byRef(e, '1').outputs).toMatchObject({ 'out1<1': true, 'out1>1': true, out1: true });
  });
  it('plans on-failure stages once and still fails the stage', async () => {
    const e = start(pipeline([{ refId: '1', outcome: 'TERMINAL', rollbackOnFailure: true, after: [{}] }]));
    await driver.run();
    const rollback = e.stages.find((s) => s.name === 'rollback');
    expect(rollback?.status).toBe('SUCCEEDED');
    expect(e.stages.find((s) => s.name === 'after0')).toBeUndefined();
    expect(byRef(e, '1').status).toBe('TERMINAL');
    expect(e.status).toBe('TERMINAL');
  });
});

describe('retries and errors', () => {
  it('retries a transient error with backoff and then succeeds', async () => {
    const e = start(pipeline([{ refId: '1', failTimes: 2 }]));
    await driver.run();
    expect(e.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['1', '1', '1']);
  });
  it('gives up after the attempts and keeps the error', async () => {
    const e = start(pipeline([{ refId: '1', outcome: 'transient' }]));
    await driver.run();
    expect(calls).toHaveLength(5);
    expect(e.status).toBe('TERMINAL');
    expect(byRef(e, '1').error?.message).toBe('remote down (gave up after 5 attempts)');
  });
  it('never retries bad input', async () => {
    const e = start(pipeline([{ refId: '1', outcome: 'input' }]));
    await driver.run();
    expect(calls).toHaveLength(1);
    expect(byRef(e, '1').error).toMatchObject({ message: 'bad field', code: 'VALIDATION_FAILED', details: [{ pointer: '/x', message: 'no' }] });
  });
  it('keeps the first root cause when later errors follow', async () => {
    const e = start(pipeline([{ refId: '1', before: [{ outcome: 'TERMINAL' }], rollbackOnFailure: true }]));
    await driver.run();
    expect(byRef(e, '1<1').error?.message).toBe('stage 1<1 failed');
    expect(e.status).toBe('TERMINAL');
  });
});

describe('timeouts and pause', () => {
  it('times a stage out by stageTimeoutMs with overrideTimeout', async () => {
    const e = start(pipeline([{ refId: '1', polls: 100, overrideTimeout: true, stageTimeoutMs: 5000 }]));
    await driver.run();
    expect(byRef(e, '1').status).toBe('TERMINAL');
    expect(byRef(e, '1').error).toMatchObject({ source: 'timeout', message: 'scripted timed out after 5 s' });
    expect(calls.length).toBeGreaterThanOrEqual(5);
    expect(calls.length).toBeLessThanOrEqual(7);
  });

  it('does not count paused time toward a task timeout', async () => {
    const e = start(pipeline([{ refId: '1', polls: 4, taskTimeoutMs: 10_000 }]));
    // Run two polls, pause for an hour, resume.
    for (let i = 0; i < 6 && e.stages[0]!.context['pollsDone'] !== 2; i++) await driver.run(1);
    driver.act(e.id, (t) => t.pause());
    expect(e.status).toBe('PAUSED');
    await driver.run();
    driver.now += 3_600_000;
    driver.act(e.id, (t) => t.resume());
    await driver.run();
    expect(e.status).toBe('SUCCEEDED');
    expect(e.paused?.pausedMs).toBeGreaterThanOrEqual(3_600_000);
  });
});

describe('operator actions', () => {
  it('cancels a running execution: stage and task CANCELED, nothing else runs', async () => {
    const e = start(pipeline([{ refId: '1', polls: 1000 }, { refId: '2', requisiteStageRefIds: ['1'] }]));
    await driver.run(3);
    driver.act(e.id, (t) => t.cancel('enough'));
    await driver.run();
    expect(e.status).toBe('CANCELED');
    expect(e.canceledBy).toBe('tester');
    expect(e.cancellationReason).toBe('enough');
    expect(statuses(e)).toEqual({ '1': 'CANCELED', '2': 'NOT_STARTED' });
    expect(byRef(e, '1').tasks[0]?.status).toBe('CANCELED');
  });

  it('cancels a paused execution', async () => {
    const e = start(pipeline([{ refId: '1', polls: 1000 }]));
    await driver.run(3);
    driver.act(e.id, (t) => t.pause());
    driver.act(e.id, (t) => t.cancel());
    await driver.run();
    expect(e.status).toBe('CANCELED');
    expect(e.paused?.resumeTime).not.toBeNull();
  });

  it('restarts a failed stage and everything downstream', async () => {
    const e = start(pipeline([{ refId: '1' }, { refId: '2', requisiteStageRefIds: ['1'], outcome: 'TERMINAL' }, { refId: '3', requisiteStageRefIds: ['2'] }]));
    await driver.run();
    expect(e.status).toBe('TERMINAL');
    const s2 = byRef(e, '2');
    s2.initialContext['outcome'] = 'SUCCEEDED'; // as if the remote problem was fixed
    driver.act(e.id, (t) => t.restartStage(s2.id));
    await driver.run();
    expect(e.status).toBe('SUCCEEDED');
    expect(statuses(e)).toEqual({ '1': 'SUCCEEDED', '2': 'SUCCEEDED', '3': 'SUCCEEDED' });
    expect(s2.context['restartDetails']).toMatchObject({ restartedBy: 'tester', previousError: { message: 'stage 2 failed' } });
    expect(calls).toEqual(['1', '2', '2', '3']);
  });

  it('skips a running stage and continues', async () => {
    const e = start(pipeline([{ refId: '1', polls: 1000 }, { refId: '2', requisiteStageRefIds: ['1'] }]));
    await driver.run(3);
    driver.act(e.id, (t) => t.skipStage(byRef(e, '1').id));
    await driver.run();
    expect(statuses(e)).toEqual({ '1': 'SKIPPED', '2': 'SUCCEEDED' });
    expect(e.status).toBe('SUCCEEDED');
  });
});

describe('concurrency limits', () => {
  it('buffers a second run with limitConcurrent and starts it when the first ends', async () => {
    const cfg = pipeline([{ refId: '1', polls: 3 }]);
    const a = start(cfg, 'cfg');
    await driver.run(1);
    const b = start(cfg, 'cfg');
    await driver.run(2);
    expect(a.status).toBe('RUNNING');
    expect(b.status).toBe('BUFFERED');
    await driver.run();
    expect(a.status).toBe('SUCCEEDED');
    expect(b.status).toBe('SUCCEEDED');
    expect(b.startTime!).toBeGreaterThanOrEqual(a.endTime!);
  });

  it('keeps only the newest waiting run without keepWaitingPipelines', async () => {
    const cfg = pipeline([{ refId: '1', polls: 3 }]);
    const a = start(cfg, 'cfg');
    await driver.run(1);
    const b = start(cfg, 'cfg');
    const c = start(cfg, 'cfg');
    await driver.run();
    expect([a.status, b.status, c.status]).toEqual(['SUCCEEDED', 'CANCELED', 'SUCCEEDED']);
  });

  it('runs waiting ones in order with keepWaitingPipelines', async () => {
    const cfg = pipeline([{ refId: '1', polls: 3 }], { keepWaitingPipelines: true });
    const a = start(cfg, 'cfg');
    await driver.run(1);
    const b = start(cfg, 'cfg');
    const c = start(cfg, 'cfg');
    await driver.run();
    expect([a.status, b.status, c.status]).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(c.startTime!).toBeGreaterThanOrEqual(b.endTime!);
  });

  it('allows maxConcurrentExecutions at once when limitConcurrent is off', async () => {
    const cfg = pipeline([{ refId: '1', polls: 3 }], { limitConcurrent: false, maxConcurrentExecutions: 2, keepWaitingPipelines: true });
    const runs = [start(cfg, 'cfg'), start(cfg, 'cfg'), start(cfg, 'cfg')];
    await driver.run(3);
    expect(runs.map((r) => r.status)).toEqual(['RUNNING', 'RUNNING', 'BUFFERED']);
    await driver.run();
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  });
});

describe('time windows', () => {
  it('waits for the window to open before running the stage', async () => {
    // 2023-11-14T22:13:20Z is a Tuesday; the window opens at 23:00 UTC.
    const e = start(
      pipeline([
        {
          refId: '1',
          restrictExecutionDuringTimeWindow: true,
          restrictedExecutionWindow: { whitelist: [{ startHour: 23, startMin: 0, endHour: 23, endMin: 30 }], timeZone: 'UTC' },
        },
      ]),
    );
    const started = driver.now;
    await driver.run();
    expect(e.status).toBe('SUCCEEDED');
    const window = e.stages.find((s) => s.type === 'restrictExecutionDuringTimeWindow');
    expect(window?.status).toBe('SUCCEEDED');
    expect(new Date(byRef(e, '1').tasks[0]!.startTime!).toISOString()).toBe('2023-11-14T23:00:00.000Z');
    expect(driver.now - started).toBeLessThan(60 * 60_000);
  });
});
