import { describe, expect, it } from 'vitest';
import type { PipelineConfig, StageConfig } from './model';
import { normalizePipeline, splitStage } from './normalize-pipeline.util';

describe('normalizePipeline', () => {
  it('writes Spinnaker\'s defaults and turns numeric refIds into strings', () => {
    const input = {
      application: 'app',
      name: 'p',
      stages: [
        { refId: 1, type: 'wait', waitTime: 5 },
        { refId: 2, type: 'deploy', name: 'Deploy', requisiteStageRefIds: [1] },
      ],
      parameterConfig: [{ name: 'n', default: 3, hasOptions: true, options: [{ value: 3 }, { value: true }] }],
    } as unknown as PipelineConfig;
    expect(normalizePipeline(input)).toEqual({
      application: 'app',
      name: 'p',
      limitConcurrent: true,
      maxConcurrentExecutions: 0,
      keepWaitingPipelines: false,
      disabled: false,
      triggers: [],
      notifications: [],
      expectedArtifacts: [],
      parameterConfig: [{ name: 'n', default: '3', required: false, hasOptions: true, options: [{ value: '3' }, { value: 'true' }] }],
      stages: [
        { refId: '1', type: 'wait', name: 'wait', requisiteStageRefIds: [], waitTime: 5 },
        { refId: '2', type: 'deploy', name: 'Deploy', requisiteStageRefIds: ['1'] },
      ],
    });
  });

  it('keeps values that are set, and does not touch its input', () => {
    const input: PipelineConfig = { application: 'a', name: 'p', stages: [], limitConcurrent: false, keepWaitingPipelines: true };
    const out = normalizePipeline(input);
    expect([out.limitConcurrent, out.keepWaitingPipelines]).toEqual([false, true]);
    expect(input).toEqual({ application: 'a', name: 'p', stages: [], limitConcurrent: false, keepWaitingPipelines: true });
  });
});

describe('splitStage', () => {
  it('separates the common keys from the stage type\'s context', () => {
    const stage: StageConfig = {
      refId: '4',
      type: 'manualJudgment',
      name: 'Proceed?',
      requisiteStageRefIds: ['2'],
      stageTimeoutMs: 21_600_000,
      stageEnabled: { type: 'expression', expression: 'true' },
      comments: 'c',
      instructions: 'Deploy anyway?',
      judgmentInputs: [],
    };
    expect(splitStage(stage)).toEqual({
      common: {
        refId: '4',
        type: 'manualJudgment',
        name: 'Proceed?',
        requisiteStageRefIds: ['2'],
        stageTimeoutMs: 21_600_000,
        stageEnabled: { type: 'expression', expression: 'true' },
        comments: 'c',
      },
      context: { instructions: 'Deploy anyway?', judgmentInputs: [] },
    });
  });
});
