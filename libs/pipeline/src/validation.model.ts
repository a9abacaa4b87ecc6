import type { ErrorDetail } from '@gennaker/common';
import type { PipelineConfig, PipelineDraft, StageTypeInfo } from './model';

/** Bounds that keep validation cheap on hostile input; each is checked before the schema. */
export interface ValidationLimits {
  /** Longest string or object key, in characters (UTF-16 code units). */
  maxStringLength: number;
  /** Largest document, in characters of its JSON text (estimated while walking it). */
  maxDocumentSize: number;
  /** Deepest nesting of objects and arrays; the document itself is level 1. */
  maxDepth: number;
  maxStages: number;
  /** At most this many errors are returned (the last one says how many more there were). */
  maxErrors: number;
}

export const DEFAULT_VALIDATION_LIMITS: Readonly<ValidationLimits> = Object.freeze({
  maxStringLength: 64 * 1024,
  maxDocumentSize: 1024 * 1024,
  maxDepth: 32,
  maxStages: 500,
  maxErrors: 100,
});

export interface ValidatePipelineOptions {
  /** The stage types that exist; any other `type` is refused at `/stages/N/type`. */
  stageTypes: readonly StageTypeInfo[];
  limits?: Partial<ValidationLimits>;
  /**
   * `application` and `name` for a document that has none, e.g. the application named by an import
   * or by the repository a pipeline file lives in. A value present in the document always wins.
   */
  defaults?: { application?: string; name?: string };
  /**
   * false: a document without `application` or `name` is still valid (the validate endpoint, a file
   * in a pipelines repository). Default true, because a pipeline cannot be saved without them.
   */
  requireIdentity?: boolean;
}

export type PipelineValidationResult<T = PipelineConfig> =
  | { valid: true; pipeline: T }
  | { valid: false; errors: ErrorDetail[] };

export type PipelineDraftValidationResult = PipelineValidationResult<PipelineDraft>;
