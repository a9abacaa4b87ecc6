import { InputError, isPlainObject } from '@gennaker/common';
import { isComplete, type ExecutionLauncher, type StageDefinition, type TaskImplementation, type TaskInput, type TaskResult } from '@gennaker/engine';

export const pipelineStage: StageDefinition = {
  type: 'pipeline',
  label: 'Pipeline',
  description: 'Runs another pipeline with parameters and, by default, waits for it: its failure fails this stage; canceling this one cancels it.',
  contextSchema: {
    type: 'object',
    properties: {
      application: { type: 'string', description: 'Application of the child pipeline (default: this one).' },
      pipeline: { type: 'string', minLength: 1, description: 'Id or name of the pipeline to run.' },
      pipelineParameters: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
      waitForCompletion: { type: 'boolean', default: true },
    },
    required: ['pipeline'],
  },
  outputs: { executionId: 'id of the child execution', status: 'its final status', '<outputs>': 'the outputs of the child\'s stages' },
  example: { refId: '4', type: 'pipeline', name: 'Deploy to prod', application: 'myapp', pipeline: 'deploy-prod', pipelineParameters: { version: '${trigger.tag}' } },
  taskTypes: ['startPipeline', 'monitorPipeline'],
  plan: ({ stage }) => ({
    tasks: [
      { name: 'startPipeline', type: 'startPipeline' },
      ...(stage.context['waitForCompletion'] === false ? [] : [{ name: 'monitorPipeline', type: 'monitorPipeline' }]),
    ],
  }),
};

export function startPipelineTask(launcher: ExecutionLauncher): TaskImplementation {
  return {
    type: 'startPipeline',
    queue: 'engine',
    async execute(input: TaskInput): Promise<TaskResult> {
      const ctx = input.stage.context;
      if (typeof ctx['pipeline'] !== 'string' || ctx['pipeline'] === '') {
        throw new InputError('pipeline (id or name) is required', [{ pointer: '/pipeline', message: 'required' }]);
      }
      const params = isPlainObject(ctx['pipelineParameters']) ? ctx['pipelineParameters'] : {};
      // Idempotent: a retry finds the child this stage already started.
      const { executionId } = await launcher.startChild({
        parentExecutionId: input.execution.id,
        parentStageId: input.stage.id,
        application: typeof ctx['application'] === 'string' && ctx['application'] !== '' ? ctx['application'] : input.execution.application,
        pipeline: ctx['pipeline'],
        parameters: params,
        user: typeof input.execution.trigger['user'] === 'string' ? input.execution.trigger['user'] : undefined,
      });
      return { status: 'SUCCEEDED', context: { executionId }, outputs: { executionId } };
    },
  };
}

export function monitorPipelineTask(launcher: ExecutionLauncher): TaskImplementation {
  return {
    type: 'monitorPipeline',
    queue: 'engine',
    // The child's completion wakes this task at once; the poll is a safety net.
    backoffMs: () => 10_000,
    async execute(input: TaskInput): Promise<TaskResult> {
      const id = input.stage.context['executionId'];
      if (typeof id !== 'string') return { status: 'TERMINAL', error: { message: 'no child execution was started' } };
      const child = await launcher.summary(id);
      if (!child) return { status: 'TERMINAL', error: { message: `child execution ${id} no longer exists` } };
      if (!isComplete(child.status)) return { status: 'RUNNING', context: { status: child.status } };
      const outputs = { ...child.outputs, executionId: id, status: child.status };
      if (child.status === 'SUCCEEDED') return { status: 'SUCCEEDED', outputs };
      return {
        status: 'TERMINAL',
        outputs,
        error: { message: `child pipeline ended ${child.status}${child.error ? `: ${child.error}` : ''}` },
      };
    },
    async onCancel(input: TaskInput): Promise<TaskResult | void> {
      const id = input.stage.context['executionId'];
      if (typeof id === 'string') await launcher.cancel(id, `parent execution ${input.execution.id} was canceled`);
    },
  };
}
