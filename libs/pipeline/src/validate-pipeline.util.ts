import { InputError, type ErrorDetail } from '@gennaker/common';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ajvErrorToDetail } from './ajv-errors.util';
import { own, type JsonRecord } from './document.util';
import { finalizeErrors } from './error-list.util';
import type { PipelineConfig, PipelineDraft, StageTypeInfo } from './model';
import { normalizePipeline } from './normalize-pipeline.util';
import { checkExpectedArtifacts, checkParameters } from './parameters.util';
import { pipelineJsonSchema } from './pipeline-schema.util';
import { precheckPipelineDocument } from './precheck.util';
import { checkStageGraph } from './stage-graph.util';
import { checkStageTypes, stageTypeNames } from './stage-types.util';
import { checkTimeWindows } from './time-window.util';
import {
  DEFAULT_VALIDATION_LIMITS,
  type PipelineValidationResult,
  type ValidatePipelineOptions,
  type ValidationLimits,
} from './validation.model';

/** The schema validator and type names for one set of stage types, compiled once. */
export interface CompiledPipelineValidator {
  readonly schema: Record<string, unknown>;
  readonly knownTypes: ReadonlySet<string>;
  readonly validateSchema: ValidateFunction;
}

const byArray = new WeakMap<readonly StageTypeInfo[], CompiledPipelineValidator>();
const byContent = new Map<string, CompiledPipelineValidator>();
// A registry is built once per process; a few entries cover tests that build several.
const MAX_CACHED = 16;

/**
 * Compiles (or returns the cached) validator for a set of stage types. Call it at start-up: a
 * context schema Ajv cannot compile, or one type name declared twice, throws here, not per request.
 * The array is cached by identity, so treat a registry's list as immutable once built.
 */
export function compilePipelineValidator(stageTypes: readonly StageTypeInfo[]): CompiledPipelineValidator {
  const cached = byArray.get(stageTypes);
  if (cached) return cached;
  // Callers that rebuild the array per call still hit the cache through its content.
  const key = JSON.stringify(stageTypes.map((t) => [t.type, t.aliases ?? [], t.label ?? null, t.description ?? null, t.contextSchema ?? null]));
  let compiled = byContent.get(key);
  if (!compiled) {
    const schema = pipelineJsonSchema(stageTypes);
    const ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      // The schema types refIds as string|integer and patches context schemas with `true`
      // properties, which the strictTypes/strictRequired lints would flag without cause.
      strictTypes: false,
      strictRequired: false,
      allowUnionTypes: true,
      logger: false,
    });
    addFormats(ajv);
    compiled = { schema, knownTypes: stageTypeNames(stageTypes), validateSchema: ajv.compile(schema) };
    if (byContent.size >= MAX_CACHED) {
      const oldest = byContent.keys().next();
      if (!oldest.done) byContent.delete(oldest.value);
    }
    byContent.set(key, compiled);
  }
  byArray.set(stageTypes, compiled);
  return compiled;
}

/**
 * Validates a parsed pipeline body: the pre-check (depth, size, forbidden keys: cheap, and never
 * throws), then the JSON schema, then the checks a schema cannot express (refIds, cycles, stage
 * types, parameters). All errors are returned, each with a JSON pointer, sorted by pointer and
 * bounded by `limits.maxErrors`. A valid pipeline comes back normalised (normalizePipeline).
 */
export function validatePipeline(
  input: unknown,
  options: ValidatePipelineOptions & { requireIdentity?: true },
): PipelineValidationResult<PipelineConfig>;
export function validatePipeline(input: unknown, options: ValidatePipelineOptions): PipelineValidationResult<PipelineDraft>;
export function validatePipeline(input: unknown, options: ValidatePipelineOptions): PipelineValidationResult<PipelineDraft> {
  const limits: ValidationLimits = { ...DEFAULT_VALIDATION_LIMITS, ...options.limits };
  const pre = precheckPipelineDocument(input, limits);
  // Hostile input stops here, before Ajv sees it.
  if (pre.errors.length > 0) {
    return { valid: false, errors: finalizeErrors(pre.errors, limits.maxErrors, pre.errors.length >= limits.maxErrors) };
  }

  const compiled = compilePipelineValidator(options.stageTypes);
  const doc = withDefaults(input as JsonRecord, options.defaults);
  // A 1 MiB body can hold 300k errors; turning each into a message and sorting them all would
  // cost seconds, so each source is read up to a budget and the summary says checking stopped.
  const budget = limits.maxErrors * 10;
  let truncated = false;
  const errors: ErrorDetail[] = [];
  if (!compiled.validateSchema(doc)) {
    const ajvErrors = compiled.validateSchema.errors ?? [];
    truncated = ajvErrors.length > budget;
    for (const e of ajvErrors.slice(0, budget)) {
      if (options.requireIdentity === false && isIdentityRequired(e.keyword, e.instancePath, e.params)) continue;
      const detail = ajvErrorToDetail(e);
      if (detail) errors.push(detail);
    }
  }
  for (const found of [
    checkStageGraph(doc, budget),
    checkStageTypes(doc, compiled.knownTypes),
    checkParameters(doc, budget),
    checkExpectedArtifacts(doc, budget),
    checkTimeWindows(doc),
  ]) {
    truncated ||= found.length >= budget;
    errors.push(...found);
  }
  if (errors.length > 0) return { valid: false, errors: finalizeErrors(errors, limits.maxErrors, truncated) };
  return { valid: true, pipeline: normalizePipeline(doc as PipelineDraft) };
}

/**
 * Validates a request body or file as text: refuses more than `maxDocumentSize` characters before
 * parsing, and text that is not JSON, at the root pointer "", then validatePipeline.
 */
export function validatePipelineJson(
  text: string,
  options: ValidatePipelineOptions & { requireIdentity?: true },
): PipelineValidationResult<PipelineConfig>;
export function validatePipelineJson(text: string, options: ValidatePipelineOptions): PipelineValidationResult<PipelineDraft>;
export function validatePipelineJson(text: string, options: ValidatePipelineOptions): PipelineValidationResult<PipelineDraft> {
  const maxSize = options.limits?.maxDocumentSize ?? DEFAULT_VALIDATION_LIMITS.maxDocumentSize;
  if (text.length > maxSize) {
    return { valid: false, errors: [{ pointer: '', message: `the pipeline is larger than ${maxSize} characters of JSON` }] };
  }
  if (text.trim() === '') return { valid: false, errors: [{ pointer: '', message: 'the body is empty; a pipeline is a JSON object' }] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message.slice(0, 200) : 'syntax error';
    return { valid: false, errors: [{ pointer: '', message: `the body is not valid JSON: ${why}` }] };
  }
  return validatePipeline(parsed, options);
}

/** validatePipeline for code paths that store: the normalised pipeline, or an InputError (HTTP 400). */
export function assertValidPipeline(input: unknown, options: ValidatePipelineOptions & { requireIdentity?: true }): PipelineConfig {
  const result = validatePipeline(input, options);
  if (!result.valid) throw new InputError(`the pipeline is not valid (${result.errors.length} errors)`, result.errors);
  return result.pipeline;
}

function withDefaults(doc: JsonRecord, defaults: ValidatePipelineOptions['defaults']): JsonRecord {
  if (!defaults) return doc;
  const filled: JsonRecord = { ...doc };
  if (defaults.application !== undefined && own(doc, 'application') === undefined) filled['application'] = defaults.application;
  if (defaults.name !== undefined && own(doc, 'name') === undefined) filled['name'] = defaults.name;
  return filled;
}

function isIdentityRequired(keyword: string, instancePath: string, params: Record<string, unknown>): boolean {
  const missing = params['missingProperty'];
  return keyword === 'required' && instancePath === '' && (missing === 'application' || missing === 'name');
}
