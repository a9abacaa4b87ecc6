export * from './model';
export * from './validation.model';
export { pipelineJsonSchema, JSON_SCHEMA_DIALECT, PIPELINE_SCHEMA_ID, PARAMETER_NAME_PATTERN } from './pipeline-schema.util';
export {
  validatePipeline,
  validatePipelineJson,
  assertValidPipeline,
  compilePipelineValidator,
  type CompiledPipelineValidator,
} from './validate-pipeline.util';
export { precheckPipelineDocument, FORBIDDEN_KEYS, type PrecheckResult } from './precheck.util';
export { normalizePipeline, splitStage } from './normalize-pipeline.util';
export { resolveStageType, stageTypeNames } from './stage-types.util';
export { comparePointers } from './error-list.util';
