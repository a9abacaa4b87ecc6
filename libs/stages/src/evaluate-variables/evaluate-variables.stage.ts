import { cloneJson, InputError, isPlainObject } from '@gennaker/common';
import { expressionScope, type StageDefinition, type TaskImplementation, type TaskInput, type TaskResult } from '@gennaker/engine';
import { evaluateObject } from '@gennaker/expressions';

export const evaluateVariablesStage: StageDefinition = {
  type: 'evaluateVariables',
  label: 'Evaluate Variables',
  description: 'Evaluates expressions once and stores them as outputs for later stages; each variable may use the ones before it.',
  contextSchema: {
    type: 'object',
    properties: {
      variables: {
        type: 'array',
        items: {
          type: 'object',
          properties: { key: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, value: {}, description: { type: 'string' } },
          required: ['key'],
        },
      },
    },
    required: ['variables'],
  },
  outputs: { '<key>': 'one output per variable' },
  example: { refId: '1', type: 'evaluateVariables', name: 'Variables', variables: [{ key: 'region', value: '${parameters.region ?: "us-east-1"}' }] },
  taskTypes: ['evaluateVariables'],
  plan: () => ({ tasks: [{ name: 'evaluateVariables', type: 'evaluateVariables' }] }),
};

/** Evaluates the variables in order, each seeing the ones before it (as Spinnaker does). */
export const evaluateVariablesTask: TaskImplementation = {
  type: 'evaluateVariables',
  queue: 'engine',
  inline: true,
  async execute(input: TaskInput): Promise<TaskResult> {
    const raw = input.stage.initialContext['variables'];
    if (!Array.isArray(raw)) throw new InputError('variables must be a list of {key, value}', [{ pointer: '/variables', message: 'must be a list' }]);
    const scope = expressionScope(input.execution, input.stage);
    const outputs: Record<string, unknown> = {};
    const failures: string[] = [];
    raw.forEach((v, i) => {
      if (!isPlainObject(v) || typeof v['key'] !== 'string') {
        failures.push(`/variables/${i}: needs a key`);
        return;
      }
      const r = evaluateObject(cloneJson(v['value']), { ...scope, root: { ...scope.root, ...outputs } });
      if (r.errors.length > 0) failures.push(`${v['key']}: ${r.errors.map((e) => e.reason).join('; ')}`);
      outputs[v['key']] = r.value;
    });
    if (failures.length > 0) {
      return { status: 'TERMINAL', outputs, error: { message: `could not evaluate ${failures.join(', ')}` } };
    }
    return { status: 'SUCCEEDED', outputs };
  },
};
