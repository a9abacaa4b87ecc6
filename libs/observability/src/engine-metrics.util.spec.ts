import type { Execution, Stage } from '@gennaker/engine';
import { describe, expect, it } from 'vitest';
import { engineObservations } from './engine-metrics.util';

const stage = (over: Partial<Stage>): Stage => ({
  id: 's1', refId: '1', type: 'wait', name: 'w', status: 'SUCCEEDED', initialContext: {}, context: {}, outputs: {}, requisiteStageRefIds: [], parentStageId: null,
  syntheticStageOwner: null, startTime: 1000, endTime: 3500, pausedMs: 0, error: null, seq: 1, failureHandled: false,
  tasks: [{ id: 't1', name: 'wait', type: 'wait', status: 'SUCCEEDED', startTime: 1000, endTime: 3000, attempts: 0, pausedMs: 0, lastError: null }], ...over,
});
const execution: Execution = {
  id: 'e1', type: 'PIPELINE', application: 'shop', pipelineConfigId: 'p', name: 'n', status: 'SUCCEEDED', trigger: {}, buildTime: 0, startTime: 500, endTime: 4500,
  canceled: false, canceledBy: null, cancellationReason: null, paused: null, limitConcurrent: true, maxConcurrentExecutions: 0, keepWaitingPipelines: false,
  parentExecutionId: null, parentStageId: null, spec: {}, stages: [stage({})],
};

describe('engineObservations', () => {
  it('counts every execution status change and times finished executions, stages and tasks', () => {
    const obs = engineObservations(execution, [
      { kind: 'task', executionId: 'e1', stageId: 's1', taskId: 't1', status: 'SUCCEEDED', time: 3000 },
      { kind: 'stage', executionId: 'e1', stageId: 's1', stageType: 'wait', status: 'SUCCEEDED', time: 3500 },
      { kind: 'execution', executionId: 'e1', status: 'SUCCEEDED', time: 4500 },
    ]);
    expect(obs).toEqual([
      { metric: 'taskDuration', labels: { task: 'wait', status: 'SUCCEEDED' }, seconds: 2 },
      { metric: 'stagesTotal', labels: { type: 'wait', status: 'SUCCEEDED' } },
      { metric: 'stageDuration', labels: { type: 'wait', status: 'SUCCEEDED' }, seconds: 2.5 },
      { metric: 'executionsTotal', labels: { application: 'shop', status: 'SUCCEEDED' } },
      { metric: 'executionDuration', labels: { application: 'shop', status: 'SUCCEEDED' }, seconds: 4 },
    ]);
  });

  it('gives the overall score of a finished canary run', () => {
    const canary = stage({
      id: 'c1', type: 'kayentaCanary', outputs: { overallScore: 62.5, overallResult: 'Marginal' },
      tasks: [{ id: 'm1', name: 'monitor', type: 'monitorCanaryAnalysis', status: 'SUCCEEDED', startTime: 1000, endTime: 61_000, attempts: 0, pausedMs: 0, lastError: null }],
    });
    const obs = engineObservations({ ...execution, stages: [canary] }, [{ kind: 'task', executionId: 'e1', stageId: 'c1', taskId: 'm1', status: 'SUCCEEDED', time: 61_000 }]);
    expect(obs).toContainEqual({ metric: 'canaryScore', labels: { application: 'shop', classification: 'Marginal' }, score: 62.5 });
  });

  it('counts a start but times nothing that has not finished', () => {
    const obs = engineObservations({ ...execution, status: 'RUNNING', endTime: null }, [
      { kind: 'execution', executionId: 'e1', status: 'RUNNING', time: 500 },
      { kind: 'stage', executionId: 'e1', stageId: 's1', status: 'RUNNING', time: 1000 },
      { kind: 'stage', executionId: 'e1', stageId: 'gone', status: 'SUCCEEDED', time: 1000 },
    ]);
    expect(obs).toEqual([{ metric: 'executionsTotal', labels: { application: 'shop', status: 'RUNNING' } }]);
  });
});
