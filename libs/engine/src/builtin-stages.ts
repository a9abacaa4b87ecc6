import type { RestrictedExecutionWindow } from '@gennaker/pipeline';
import type { StageDefinition, TaskImplementation, TaskInput, TaskResult } from './stage-definition';
import { nextWindowStart } from './time-window.util';
import { TIME_WINDOW_STAGE_TYPE } from './transition';

/** Planned by the engine before a stage with `restrictExecutionDuringTimeWindow`. */
export const timeWindowStage: StageDefinition = {
  type: TIME_WINDOW_STAGE_TYPE,
  label: 'Restrict execution during time window',
  description: 'Waits until the stage\'s restricted execution window opens.',
  taskTypes: ['waitForExecutionWindow'],
  internal: true,
  plan: () => ({ tasks: [{ name: 'waitForExecutionWindow', type: 'waitForExecutionWindow' }] }),
};

/** Polls until the window opens; sleeps at most an hour at a time so a changed clock is noticed. */
export const waitForExecutionWindowTask: TaskImplementation = {
  type: 'waitForExecutionWindow',
  queue: 'engine',
  inline: true,
  async execute(input: TaskInput): Promise<TaskResult> {
    if (input.stage.context['skipRemainingWait'] === true) return { status: 'SUCCEEDED' };
    const window = (input.stage.context['restrictedExecutionWindow'] ?? {}) as RestrictedExecutionWindow;
    const next = nextWindowStart(window, input.now);
    if (next === null) {
      return { status: 'TERMINAL', error: { message: 'the restricted execution window never opens (check its days and hours)' } };
    }
    if (next <= input.now) return { status: 'SUCCEEDED', outputs: {} };
    return {
      status: 'RUNNING',
      context: { nextWindowStart: new Date(next).toISOString() },
      backoffMs: Math.min(next - input.now, 3_600_000),
    };
  },
};

export const builtinStageDefinitions: StageDefinition[] = [timeWindowStage];
export const builtinTasks: TaskImplementation[] = [waitForExecutionWindowTask];
