import type { EngineEvent, Execution, Stage } from '@gennaker/engine';
import { describe, expect, it } from 'vitest';
import { hasNotifications, pipelineEvent, planFinalNotifications, planNotifications, stageEvents } from './notification-plan.util';

function stage(over: Partial<Stage>): Stage {
  return {
    id: 's1', refId: '1', type: 'wait', name: 'Soak', status: 'NOT_STARTED', initialContext: {}, context: {}, outputs: {}, requisiteStageRefIds: [],
    parentStageId: null, syntheticStageOwner: null, startTime: null, endTime: null, pausedMs: 0, tasks: [], error: null, seq: 1, failureHandled: false, ...over,
  };
}

function execution(over: Partial<Execution> = {}): Execution {
  return {
    id: 'e1', type: 'PIPELINE', application: 'shop', pipelineConfigId: 'p1', name: 'release', status: 'RUNNING', trigger: { type: 'manual', user: 'ana' },
    buildTime: 1000, startTime: 2000, endTime: null, canceled: false, canceledBy: null, cancellationReason: null, paused: null, limitConcurrent: true,
    maxConcurrentExecutions: 0, keepWaitingPipelines: false, parentExecutionId: null, parentStageId: null, spec: {}, stages: [], ...over,
  };
}

const ev = (e: Partial<EngineEvent>): EngineEvent => ({ kind: 'execution', executionId: 'e1', status: 'RUNNING', time: 5000, ...e });

describe('planNotifications', () => {
  const pipelineLevel = {
    notifications: [
      { type: 'slack', address: 'deploys', level: 'pipeline', when: ['pipeline.starting', 'pipeline.failed'] },
      { type: 'email', address: 'team@example.com', level: 'pipeline', when: ['pipeline.complete'], message: { 'pipeline.complete': { text: 'shipped it' } } },
    ],
  };

  it('sends nothing for an execution without notifications', () => {
    const e = execution();
    expect(hasNotifications(e)).toBe(false);
    expect(planNotifications(e, [ev({ status: 'RUNNING', previousStatus: 'NOT_STARTED' })])).toEqual([]);
  });

  it('plans pipeline.starting only for the configs that want it, with a link and stable key', () => {
    const e = execution({ spec: pipelineLevel });
    const [n, ...rest] = planNotifications(e, [ev({ status: 'RUNNING', previousStatus: 'NOT_STARTED' })], { publicUrl: 'https://cd.example.com/' });
    expect(rest).toEqual([]);
    expect(n).toMatchObject({ type: 'slack', address: 'deploys', event: 'pipeline.starting', subject: 'Pipeline release (shop) is starting', link: 'https://cd.example.com/executions/e1' });
    expect(n?.key).toBe('e1/pipeline@2000/pipeline.starting/0');
    expect(n?.key).not.toContain(':');
    // Planning the same step again gives the same key (the queue keeps one).
    expect(planNotifications(e, [ev({ status: 'RUNNING', previousStatus: 'NOT_STARTED' })])[0]?.key).toBe(n?.key);
  });

  it('uses the custom message text of the event', () => {
    const e = execution({ spec: pipelineLevel, status: 'SUCCEEDED', endTime: 9000 });
    const planned = planNotifications(e, [ev({ status: 'SUCCEEDED', previousStatus: 'RUNNING' })]);
    expect(planned).toHaveLength(1);
    expect(planned[0]).toMatchObject({ type: 'email', event: 'pipeline.complete', customText: 'shipped it', text: 'shipped it' });
  });

  it('names the first failure on pipeline.failed, and treats CANCELED as failed', () => {
    const e = execution({ spec: pipelineLevel, status: 'TERMINAL', stages: [stage({ status: 'TERMINAL', error: { message: 'webhook answered 500', source: 'task:webhook', time: 1 } })] });
    const [n] = planNotifications(e, [ev({ status: 'TERMINAL', previousStatus: 'RUNNING' })]);
    expect(n?.event).toBe('pipeline.failed');
    expect(n?.text).toContain('Reason: webhook answered 500');
    expect(pipelineEvent('CANCELED', 'RUNNING')).toBe('pipeline.failed');
    expect(pipelineEvent('RUNNING', 'PAUSED')).toBeNull();
  });

  it('stage notifications need sendNotifications: true and follow the stage run', () => {
    const notifications = [{ type: 'webhook', address: 'http://x/hook', level: 'stage', when: ['stage.starting', 'stage.complete'] }];
    const off = execution({ stages: [stage({ status: 'RUNNING', startTime: 3000, context: { notifications } })] });
    expect(planNotifications(off, [ev({ kind: 'stage', stageId: 's1', status: 'RUNNING', previousStatus: 'NOT_STARTED' })])).toEqual([]);
    const on = execution({ stages: [stage({ status: 'RUNNING', startTime: 3000, context: { notifications, sendNotifications: true } })] });
    const [n] = planNotifications(on, [ev({ kind: 'stage', stageId: 's1', status: 'RUNNING', previousStatus: 'NOT_STARTED' })]);
    expect(n).toMatchObject({ event: 'stage.starting', stage: { id: 's1', name: 'Soak', type: 'wait' }, key: 'e1/s1@3000/stage.starting/0' });
    // A restarted stage has a new start time, so it notifies again.
    const restarted = execution({ stages: [stage({ status: 'RUNNING', startTime: 7000, context: { notifications, sendNotifications: true } })] });
    expect(planNotifications(restarted, [ev({ kind: 'stage', stageId: 's1', status: 'RUNNING', previousStatus: 'NOT_STARTED' })])[0]?.key).toBe('e1/s1@7000/stage.starting/0');
  });

  it('a manual judgment notifies when it awaits and when it is judged, with its instructions', () => {
    const notifications = [{ type: 'slack', address: 'playback-features', level: 'stage', when: ['manualJudgment', 'manualJudgmentContinue'] }];
    const mj = stage({ type: 'manualJudgment', name: 'Go?', status: 'RUNNING', startTime: 3000, context: { notifications, sendNotifications: true, instructions: 'check the canary' } });
    const [awaiting] = planNotifications(execution({ stages: [mj] }), [ev({ kind: 'stage', stageId: 's1', status: 'RUNNING', previousStatus: 'NOT_STARTED' })]);
    expect(awaiting).toMatchObject({ event: 'manualJudgment', subject: 'Stage Go? of pipeline release (shop) is awaiting manual judgment' });
    expect(awaiting?.text).toContain('Instructions: check the canary');
    const judged = { ...mj, status: 'SUCCEEDED' as const, context: { ...mj.context, judgmentStatus: 'continue' } };
    const planned = planNotifications(execution({ stages: [judged] }), [ev({ kind: 'stage', stageId: 's1', status: 'SUCCEEDED', previousStatus: 'RUNNING' })]);
    expect(planned.map((p) => p.event)).toEqual(['manualJudgmentContinue']);
  });

  it('maps stage statuses to Echo events', () => {
    const s = { type: 'wait', context: {} };
    expect(stageEvents(s, 'RUNNING', 'NOT_STARTED')).toEqual(['stage.starting']);
    expect(stageEvents(s, 'RUNNING', 'PAUSED')).toEqual([]);
    expect(stageEvents(s, 'SUCCEEDED', 'RUNNING')).toEqual(['stage.complete']);
    expect(stageEvents(s, 'TERMINAL', 'RUNNING')).toEqual(['stage.failed']);
    expect(stageEvents(s, 'SKIPPED', 'NOT_STARTED')).toEqual([]);
  });

  it('plans the final notifications again from state, with the same keys', () => {
    const e = execution({ spec: pipelineLevel, status: 'SUCCEEDED', endTime: 9000 });
    const fromEvent = planNotifications(e, [ev({ status: 'SUCCEEDED', previousStatus: 'RUNNING' })]);
    const fromState = planFinalNotifications(e, 10_000);
    expect(fromState.map((n) => n.key)).toEqual(fromEvent.map((n) => n.key));
    expect(planFinalNotifications(execution({ spec: pipelineLevel }), 10_000)).toEqual([]);
  });
});
