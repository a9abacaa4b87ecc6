import { cloneJson } from '@gennaker/common';
import {
  STAGE_COMMON_KEYS,
  type ParameterConfig,
  type PipelineDraft,
  type StageCommon,
  type StageConfig,
} from './model';

const COMMON_KEYS: ReadonlySet<string> = new Set(STAGE_COMMON_KEYS);

/**
 * A copy of a valid pipeline with Spinnaker's defaults written out, so the engine never has to
 * guess: refIds as strings (old exports hold numbers), `requisiteStageRefIds: []`, a stage's
 * name defaulting to its type, `limitConcurrent: true`, `keepWaitingPipelines: false`, empty
 * lists, and parameter defaults and option values as strings. Stage types are left as written
 * (an alias such as `canary` stays; see resolveStageType), and so are the stage failure flags,
 * whose absence already has a meaning to the engine.
 */
export function normalizePipeline<T extends PipelineDraft>(pipeline: T): T {
  const p = cloneJson(pipeline);
  p.limitConcurrent ??= true;
  p.maxConcurrentExecutions ??= 0;
  p.keepWaitingPipelines ??= false;
  p.disabled ??= false;
  p.triggers ??= [];
  p.notifications ??= [];
  p.expectedArtifacts ??= [];
  p.parameterConfig = (p.parameterConfig ?? []).map(normalizeParameter);
  p.stages = (p.stages ?? []).map(normalizeStage);
  return p;
}

function normalizeStage(stage: StageConfig): StageConfig {
  // String() because exports may hold numbers where the type says string.
  return {
    ...stage,
    refId: String(stage.refId),
    name: stage.name ?? stage.type,
    requisiteStageRefIds: (stage.requisiteStageRefIds ?? []).map((r) => String(r)),
  };
}

function normalizeParameter(param: ParameterConfig): ParameterConfig {
  const def: unknown = param.default;
  return {
    ...param,
    required: param.required ?? false,
    hasOptions: param.hasOptions ?? false,
    options: (param.options ?? []).map((o) => ({ ...o, value: String(o.value) })),
    ...(typeof def === 'number' || typeof def === 'boolean' ? { default: String(def) } : {}),
  };
}

/** The keys with engine meaning, and the rest: the stage type's own context. */
export function splitStage(stage: StageConfig): { common: StageCommon; context: Record<string, unknown> } {
  const common: Record<string, unknown> = {};
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stage)) {
    if (COMMON_KEYS.has(key)) common[key] = value;
    else context[key] = value;
  }
  // refId and type are required on a valid stage, so the common part is a StageCommon.
  return { common: common as StageCommon, context };
}
