import { cloneJson, pointer } from '@gennaker/common';
import type { ErrorDetail } from '@gennaker/common';
import type { ParameterConfig, PipelineConfig, StageConfig } from '@gennaker/pipeline';
import type { Execution, ExecutionType, Stage } from './model';

/** Stage keys that shape the graph rather than the stage's context. */
const STRUCTURAL_KEYS = new Set(['refId', 'type', 'name', 'requisiteStageRefIds']);

export interface NewExecutionInput {
  id: string;
  type: ExecutionType;
  config: PipelineConfig;
  pipelineConfigId: string | null;
  trigger: Record<string, unknown>;
  now: number;
  newId: () => string;
  parentExecutionId?: string | null;
  parentStageId?: string | null;
}

/** A fresh execution of a pipeline config: every configured stage NOT_STARTED, nothing planned yet. */
export function createExecution(input: NewExecutionInput): Execution {
  const { config } = input;
  const stages: Stage[] = config.stages.map((s: StageConfig, i) => {
    const context: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) if (!STRUCTURAL_KEYS.has(k)) context[k] = cloneJson(v);
    return {
      id: input.newId(),
      refId: String(s.refId),
      type: s.type,
      name: typeof s.name === 'string' && s.name !== '' ? s.name : s.type,
      status: 'NOT_STARTED',
      initialContext: context,
      context: cloneJson(context),
      outputs: {},
      requisiteStageRefIds: (s.requisiteStageRefIds ?? []).map(String),
      parentStageId: null,
      syntheticStageOwner: null,
      startTime: null,
      endTime: null,
      pausedMs: 0,
      tasks: [],
      error: null,
      seq: i + 1,
      failureHandled: false,
      lastModified: null,
    };
  });
  const spec: Record<string, unknown> = {};
  for (const k of ['notifications', 'description', 'expectedArtifacts', 'version', 'spelEvaluator']) {
    if (config[k] !== undefined) spec[k] = cloneJson(config[k]);
  }
  return {
    id: input.id,
    type: input.type,
    application: config.application,
    pipelineConfigId: input.pipelineConfigId,
    name: config.name,
    status: 'NOT_STARTED',
    trigger: input.trigger,
    buildTime: input.now,
    startTime: null,
    endTime: null,
    canceled: false,
    canceledBy: null,
    cancellationReason: null,
    paused: null,
    // Spinnaker's defaults: one at a time, only the newest waiting one kept.
    limitConcurrent: config.limitConcurrent ?? true,
    maxConcurrentExecutions: config.maxConcurrentExecutions ?? 0,
    keepWaitingPipelines: config.keepWaitingPipelines ?? false,
    parentExecutionId: input.parentExecutionId ?? null,
    parentStageId: input.parentStageId ?? null,
    spec,
    stages,
  };
}

/**
 * Parameters for a run from the pipeline's parameterConfig and what the caller gave: defaults
 * filled in, required ones checked, values with options checked against them.
 */
export function resolveParameters(
  parameterConfig: ParameterConfig[] | undefined,
  given: Record<string, unknown> | undefined,
  basePointer = '/parameters',
): { parameters: Record<string, string>; errors: ErrorDetail[] } {
  const errors: ErrorDetail[] = [];
  const parameters: Record<string, string> = {};
  const supplied = given ?? {};
  const known = new Set((parameterConfig ?? []).map((p) => p.name));
  for (const p of parameterConfig ?? []) {
    const raw = Object.prototype.hasOwnProperty.call(supplied, p.name) ? supplied[p.name] : undefined;
    let value: string | undefined;
    if (raw === undefined || raw === null || raw === '') {
      value = p.default === undefined || p.default === null ? undefined : String(p.default);
    } else if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
      value = String(raw);
    } else {
      errors.push({ pointer: pointer(...pathOf(basePointer), p.name), message: `parameter "${p.name}" must be a string, number or boolean` });
      continue;
    }
    if ((value === undefined || value === '') && p.required) {
      errors.push({ pointer: pointer(...pathOf(basePointer), p.name), message: `parameter "${p.name}" is required` });
      continue;
    }
    if (value !== undefined && p.hasOptions && Array.isArray(p.options) && p.options.length > 0) {
      const allowed = p.options.map((o) => String(o.value));
      if (!allowed.includes(value)) {
        errors.push({
          pointer: pointer(...pathOf(basePointer), p.name),
          message: `parameter "${p.name}" must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}; got ${JSON.stringify(value)}`,
        });
        continue;
      }
    }
    parameters[p.name] = value ?? '';
  }
  // Spinnaker passes unknown parameters through to the trigger; so do we, as strings.
  for (const [k, v] of Object.entries(supplied)) {
    if (known.has(k)) continue;
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') {
      errors.push({ pointer: pointer(...pathOf(basePointer), k), message: `"${k}" is not an allowed parameter name` });
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      parameters[k] = String(v);
    } else if (v !== undefined && v !== null) {
      errors.push({ pointer: pointer(...pathOf(basePointer), k), message: `parameter "${k}" must be a string, number or boolean` });
    }
  }
  return { parameters, errors };
}

function pathOf(p: string): string[] {
  return p === '' ? [] : p.slice(1).split('/');
}
