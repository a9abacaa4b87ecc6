import { isPlainObject } from '@gennaker/common';
import { expressionScope, type StageDefinition, type SyntheticStageSpec, type TaskImplementation, type TaskInput, type TaskResult } from '@gennaker/engine';
import { evaluateTemplate } from '@gennaker/expressions';

/** Precondition types; each runs as task `precondition:<type>` (cloud modules add clusterSize). */
export const PRECONDITION_TYPES = ['expression', 'clusterSize'] as const;

export const checkPreconditionsStage: StageDefinition = {
  type: 'checkPreconditions',
  label: 'Check Preconditions',
  description:
    'Checks each precondition in parallel. A failing one fails the stage, or only stops its branch when that precondition has failPipeline: false.',
  contextSchema: {
    type: 'object',
    properties: {
      preconditions: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: {
            type: { enum: [...PRECONDITION_TYPES] },
            failPipeline: { type: 'boolean', default: true },
            context: {
              type: 'object',
              properties: {
                expression: { description: 'For type expression: true passes.', oneOf: [{ type: 'string' }, { type: 'boolean' }] },
                failureMessage: { type: 'string' },
                cluster: { type: ['string', 'null'] },
                credentials: { type: ['string', 'null'] },
                regions: { type: ['array', 'null'], items: { type: 'string' } },
                comparison: { enum: ['<', '<=', '==', '>=', '>', '!='] },
                expected: { type: 'integer', minimum: 0 },
              },
            },
          },
          required: ['type'],
        },
      },
    },
    required: ['preconditions'],
  },
  outputs: {},
  example: {
    refId: '3',
    type: 'checkPreconditions',
    name: 'Only on main',
    preconditions: [{ type: 'expression', failPipeline: false, context: { expression: "${trigger.branch == 'main'}", failureMessage: 'not main' } }],
  },
  taskTypes: [],
  syntheticStageTypes: ['checkPrecondition'],
  plan: ({ stage }) => {
    const list = Array.isArray(stage.context['preconditions']) ? (stage.context['preconditions'] as unknown[]) : [];
    const rawList = Array.isArray(stage.initialContext['preconditions']) ? (stage.initialContext['preconditions'] as unknown[]) : [];
    const before: SyntheticStageSpec[] = list.map((p, i) => {
      const pre = isPlainObject(p) ? p : {};
      const raw = isPlainObject(rawList[i]) ? (rawList[i] as Record<string, unknown>) : {};
      const rawCtx = isPlainObject(raw['context']) ? raw['context'] : {};
      const type = String(pre['type'] ?? 'expression');
      return {
        type: 'checkPrecondition',
        name: `Check precondition (${type})`,
        refId: String(i + 1),
        requisiteStageRefIds: [],
        context: {
          preconditionType: type,
          context: isPlainObject(pre['context']) ? pre['context'] : {},
          expressionText: typeof rawCtx['expression'] === 'string' ? rawCtx['expression'] : undefined,
          failPipeline: pre['failPipeline'] !== false,
        },
      };
    });
    return { tasks: [], before };
  },
};

export const checkPreconditionStage: StageDefinition = {
  type: 'checkPrecondition',
  label: 'Check precondition',
  description: 'One precondition of a checkPreconditions stage.',
  internal: true,
  taskTypes: ['precondition:expression'],
  plan: ({ stage }) => {
    const type = String(stage.context['preconditionType'] ?? 'expression');
    return { tasks: [{ name: `check ${type} precondition`, type: `precondition:${type}` }] };
  },
};

export const expressionPreconditionTask: TaskImplementation = {
  type: 'precondition:expression',
  queue: 'engine',
  inline: true,
  async execute(input: TaskInput): Promise<TaskResult> {
    const ctx = (input.stage.context['context'] ?? {}) as Record<string, unknown>;
    let value = ctx['expression'];
    // Deck stores some expressions without ${ }: evaluate those here, as Orca does.
    if (typeof value === 'string' && !['true', 'false'].includes(value.trim().toLowerCase())) {
      const r = evaluateTemplate('${' + value + '}', expressionScope(input.execution, input.stage));
      if (r.errors.length > 0) return { status: 'TERMINAL', error: { message: `precondition expression failed: ${r.errors.map((e) => e.reason).join('; ')}` } };
      value = r.value;
    }
    const passed = value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
    if (passed) return { status: 'SUCCEEDED', outputs: {} };
    const text = input.stage.context['expressionText'] ?? value;
    const message = typeof ctx['failureMessage'] === 'string' && ctx['failureMessage'] !== ''
      ? ctx['failureMessage']
      : `precondition failed: expression ${String(text)} evaluated to ${JSON.stringify(value)}`;
    return { status: 'TERMINAL', error: { message } };
  },
};
