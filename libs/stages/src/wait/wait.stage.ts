import { InputError } from '@gennaker/common';
import type { StageDefinition, TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';

/** Seconds to wait: a number, or a numeric string (often the result of an expression). */
export function waitSeconds(input: TaskInput): number {
  const raw = input.stage.context['waitTime'];
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new InputError(`waitTime must be a number of seconds >= 0, got ${JSON.stringify(raw)}`, [{ pointer: '/waitTime', message: 'must be a number of seconds >= 0' }]);
  }
  return n;
}

export const waitStage: StageDefinition = {
  type: 'wait',
  label: 'Wait',
  description: 'Waits a number of seconds. Paused time does not count; the remaining wait can be skipped.',
  contextSchema: {
    type: 'object',
    properties: {
      waitTime: {
        description: 'Seconds to wait (a number, or an expression giving one).',
        oneOf: [{ type: 'number', minimum: 0 }, { type: 'string', minLength: 1 }],
        default: 30,
      },
      skipWaitText: { type: 'string', description: 'Text shown next to the "skip remaining wait" button.' },
    },
    required: ['waitTime'],
  },
  outputs: {},
  example: { refId: '1', type: 'wait', name: 'Wait', waitTime: 30 },
  taskTypes: ['wait'],
  plan: () => ({ tasks: [{ name: 'wait', type: 'wait' }] }),
};

/** Never sleeps: answers RUNNING with the time left as its backoff. */
export const waitTask: TaskImplementation = {
  type: 'wait',
  queue: 'engine',
  inline: true,
  async execute(input: TaskInput): Promise<TaskResult> {
    if (input.stage.context['skipRemainingWait'] === true) return { status: 'SUCCEEDED' };
    const remaining = waitSeconds(input) * 1000 - input.stageElapsedMs;
    if (remaining <= 0) return { status: 'SUCCEEDED' };
    return { status: 'RUNNING', backoffMs: remaining };
  },
};
