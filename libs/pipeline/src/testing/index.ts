// Test helpers: a separate entry so production code never ships them.
export {
  generateMalformedPipelines,
  reportsExpectedError,
  MALFORMED_KINDS,
  type MalformedCase,
  type MalformedKind,
  type ExpectedError,
} from './malformed-pipelines.util';
export { Prng } from './prng.util';
export {
  REFERENCE_PIPELINES,
  GENNAKER_STAGE_TYPES,
  GENNAKER_STAGE_TYPE_NAMES,
  type ReferencePipeline,
} from './reference-pipelines';
