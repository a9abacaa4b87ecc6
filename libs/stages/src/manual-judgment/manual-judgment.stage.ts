import type { StageDefinition, TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';

export const manualJudgmentStage: StageDefinition = {
  type: 'manualJudgment',
  label: 'Manual Judgment',
  description: 'Waits for a person to continue or stop the pipeline, optionally choosing one of the judgment inputs.',
  contextSchema: {
    type: 'object',
    properties: {
      instructions: { type: 'string', description: 'Shown to the judge.' },
      judgmentInputs: {
        type: 'array',
        description: 'Choices offered to the judge; the choice is available as #judgment("stage name").',
        items: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] },
      },
      requiredJudgmentRoles: { type: 'array', items: { type: 'string' }, description: 'Roles allowed to judge (any of them).' },
      propagateAuthenticationContext: { type: 'boolean' },
    },
  },
  outputs: {
    judgmentStatus: '"continue" or "stop"',
    judgmentInput: 'the input chosen by the judge, if any',
    judgedBy: 'who judged',
  },
  example: { refId: '2', type: 'manualJudgment', name: 'Promote?', instructions: 'Check the canary report', judgmentInputs: [{ value: 'promote' }, { value: 'rollback' }] },
  taskTypes: ['waitForJudgment'],
  plan: () => ({ tasks: [{ name: 'waitForJudgment', type: 'waitForJudgment' }] }),
};

/** Polls slowly; a judgment (PATCH on the stage) wakes it at once. */
export const waitForJudgmentTask: TaskImplementation = {
  type: 'waitForJudgment',
  queue: 'engine',
  inline: true,
  async execute(input: TaskInput): Promise<TaskResult> {
    const ctx = input.stage.context;
    const judgedBy = typeof ctx['lastModifiedBy'] === 'string' ? ctx['lastModifiedBy'] : 'anonymous';
    const outputs = { judgmentStatus: ctx['judgmentStatus'], judgmentInput: ctx['judgmentInput'] ?? null, judgedBy };
    if (ctx['judgmentStatus'] === 'continue') return { status: 'SUCCEEDED', outputs };
    if (ctx['judgmentStatus'] === 'stop') {
      return { status: 'TERMINAL', outputs, error: { message: `stopped by ${judgedBy} at manual judgment "${input.stage.name}"` } };
    }
    return { status: 'RUNNING', backoffMs: 60_000 };
  },
};
