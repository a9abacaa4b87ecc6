import { EvaluationFault } from './expression-error';

export interface ExpressionLimits {
  /** Characters in one expression body (between `${` and `}`). */
  maxExpressionLength: number;
  /** Evaluation steps (nodes visited, elements iterated) for one expression. */
  maxSteps: number;
  /** Characters of any string built, and elements of any list built, by one expression. */
  maxResultSize: number;
  /** Nesting depth of the parsed expression (parentheses, operator chains, literals) and of data read by #readJson. */
  maxDepth: number;
}

export const DEFAULT_LIMITS: Readonly<ExpressionLimits> = Object.freeze({
  maxExpressionLength: 10_000,
  maxSteps: 100_000,
  maxResultSize: 100_000,
  maxDepth: 100,
});

/** Regular expressions (`matches`, `split`, `replaceAll`) are guarded separately: see regex.ts. */
export const MAX_REGEX_PATTERN_LENGTH = 500;
export const MAX_REGEX_INPUT_LENGTH = 10_000;

/** Defaults overlaid with the caller's values; a limit that is not a positive integer is a caller bug. */
export function resolveLimits(limits: Partial<ExpressionLimits> | undefined): ExpressionLimits {
  const resolved: ExpressionLimits = { ...DEFAULT_LIMITS };
  if (!limits) return resolved;
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof ExpressionLimits>) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value <= 0) {
      throw new EvaluationFault(`limit ${key} must be a positive integer, got ${String(value)}`);
    }
    resolved[key] = value;
  }
  return resolved;
}
