import { validatePipeline, type StageTypeInfo } from '@gennaker/pipeline';
import { JsonSyntaxError, jsonPointerOffsets, lineOfPointer } from '../util/json-positions.util';

export interface LineError {
  line: number;
  pointer: string;
  message: string;
}

/**
 * Checks a pipeline's JSON text as the API would (the same validator, from @gennaker/pipeline) and
 * places every error at its line: a syntax error where the parser stopped, a schema or graph error
 * at the line of its JSON pointer.
 */
export function validatePipelineText(text: string, stageTypes: readonly StageTypeInfo[]): { errors: LineError[]; value?: unknown } {
  let offsets: Map<string, number>;
  try {
    offsets = jsonPointerOffsets(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { errors: [{ line: err.location.line, pointer: '', message: err.message }] };
    throw err;
  }
  const value = JSON.parse(text) as unknown;
  const result = validatePipeline(value, { stageTypes, requireIdentity: true });
  if (result.valid) return { errors: [], value };
  return { errors: placeErrors(text, result.errors, offsets), value };
}

/** Lines for errors the API answered (details with JSON pointers). */
export function placeErrors(text: string, details: ReadonlyArray<{ pointer: string; message: string }>, offsets?: Map<string, number>): LineError[] {
  return details.map((d) => ({ line: lineOfPointer(text, d.pointer, offsets), pointer: d.pointer, message: d.message })).sort((a, b) => a.line - b.line);
}
