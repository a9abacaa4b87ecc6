// Validation of canary configs and score thresholds. Every problem comes back with the JSON pointer
// (RFC 6901) of the offending field, so the API can answer 400 with all of them at once.

import type { CanaryConfig } from './canary-config';

export interface ValidationError {
  pointer: string;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: ValidationError[];
}

const DIRECTIONS = ['increase', 'decrease', 'either'] as const;
const NAN_STRATEGIES = ['remove', 'replace'] as const;
const OUTLIER_STRATEGIES = ['keep', 'remove'] as const;
const EFFECT_MEASURES = ['meanRatio', 'cles'] as const;
const EFFECT_FIELDS = ['allowedIncrease', 'allowedDecrease', 'criticalIncrease', 'criticalDecrease'] as const;
const BOOLEAN_FLAGS = ['critical', 'mustHaveData', 'dryRun', 'muted'] as const;
// Kayenta's rule for config names.
const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
// Weights are often written as thirds (33.33 + 33.33 + 33.34); allow for float sums.
const WEIGHT_SUM_TOLERANCE = 1e-6;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** One reference token of a JSON pointer. */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerOf(base: string, ...tokens: Array<string | number>): string {
  return tokens.reduce<string>((pointer, token) => `${pointer}/${escapePointerToken(token)}`, base);
}

class ErrorList {
  readonly errors: ValidationError[] = [];
  add(pointer: string, message: string): void {
    this.errors.push({ pointer, message });
  }
  result(): ValidationResult {
    return { valid: this.errors.length === 0, errors: this.errors };
  }
}

function checkOptionalString(errors: ErrorList, owner: JsonObject, field: string, pointer: string): void {
  if (owner[field] !== undefined && typeof owner[field] !== 'string') errors.add(pointerOf(pointer, field), `${field} must be a string`);
}

function checkEnum(errors: ErrorList, owner: JsonObject, field: string, allowed: readonly string[], pointer: string): void {
  const value = owner[field];
  if (value === undefined) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    errors.add(pointerOf(pointer, field), `${field} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  }
}

/** Score thresholds: `{marginal, pass}`, each 0..100, marginal not above pass. */
export function validateScoreThresholds(input: unknown, pointer = ''): ValidationResult {
  const errors = new ErrorList();
  collectScoreThresholdErrors(errors, input, pointer);
  return errors.result();
}

function collectScoreThresholdErrors(errors: ErrorList, input: unknown, pointer: string): void {
  if (!isObject(input)) {
    errors.add(pointer, 'score thresholds must be an object with marginal and pass');
    return;
  }
  let bothValid = true;
  for (const field of ['marginal', 'pass'] as const) {
    const value = input[field];
    if (!isFiniteNumber(value)) {
      errors.add(pointerOf(pointer, field), `${field} must be a number`);
      bothValid = false;
    } else if (value < 0 || value > 100) {
      errors.add(pointerOf(pointer, field), `${field} must lie between 0 and 100; got ${value}`);
      bothValid = false;
    }
  }
  if (bothValid && (input['marginal'] as number) > (input['pass'] as number)) {
    errors.add(pointerOf(pointer, 'marginal'), `marginal (${String(input['marginal'])}) must not be above pass (${String(input['pass'])})`);
  }
}

/**
 * Checks a canary config in Kayenta's shape. `knownSources` are the metric source types this
 * installation can query (e.g. `['prometheus', 'cloudwatch', 'local']`).
 */
export function validateCanaryConfig(input: unknown, knownSources: readonly string[]): ValidationResult {
  const errors = new ErrorList();
  if (!isObject(input)) {
    errors.add('', 'a canary config must be a JSON object');
    return errors.result();
  }

  if (typeof input['name'] !== 'string' || input['name'].length === 0) {
    errors.add('/name', 'name is required');
  } else if (!NAME_PATTERN.test(input['name'])) {
    errors.add('/name', `name may contain only letters, digits, dashes and underscores; got ${JSON.stringify(input['name'])}`);
  }
  checkOptionalString(errors, input, 'id', '');
  checkOptionalString(errors, input, 'description', '');
  checkApplications(errors, input['applications']);

  const weights = checkClassifier(errors, input['classifier']);
  const usedGroups = checkMetrics(errors, input['metrics'], knownSources, weights);

  if (weights) {
    for (const group of Object.keys(weights)) {
      if (usedGroups && !usedGroups.has(group)) {
        errors.add(pointerOf('/classifier/groupWeights', group), `no metric is in group ${JSON.stringify(group)}; its weight could never be earned`);
      }
    }
  }

  checkJudge(errors, input['judge']);
  checkTemplates(errors, input['templates']);
  return errors.result();
}

function checkApplications(errors: ErrorList, applications: unknown): void {
  if (applications === undefined) return;
  if (!Array.isArray(applications)) {
    errors.add('/applications', 'applications must be an array of application names');
    return;
  }
  applications.forEach((application, i) => {
    if (typeof application !== 'string' || application.length === 0) errors.add(pointerOf('/applications', i), 'an application name must be a non-empty string');
  });
}

/** Returns the group weights when they are an object (even if some weights are bad), else null. */
function checkClassifier(errors: ErrorList, classifier: unknown): Record<string, unknown> | null {
  if (!isObject(classifier)) {
    errors.add('/classifier', 'classifier with groupWeights is required');
    return null;
  }
  const weights = classifier['groupWeights'];
  if (classifier['scoreThresholds'] !== undefined) collectScoreThresholdErrors(errors, classifier['scoreThresholds'], '/classifier/scoreThresholds');
  if (!isObject(weights)) {
    errors.add('/classifier/groupWeights', 'groupWeights must be an object of group name to weight');
    return null;
  }
  let total = 0;
  let allNumbers = true;
  for (const [group, weight] of Object.entries(weights)) {
    const pointer = pointerOf('/classifier/groupWeights', group);
    if (!isFiniteNumber(weight)) {
      errors.add(pointer, `the weight of ${JSON.stringify(group)} must be a number`);
      allNumbers = false;
    } else if (weight < 0) {
      errors.add(pointer, `the weight of ${JSON.stringify(group)} must not be negative; got ${weight}`);
    } else if (weight > 100) {
      errors.add(pointer, `the weight of ${JSON.stringify(group)} is over 100; got ${weight}`);
    }
    if (isFiniteNumber(weight)) total += weight;
  }
  if (allNumbers && Math.abs(total - 100) > WEIGHT_SUM_TOLERANCE) {
    errors.add('/classifier/groupWeights', `group weights must add up to 100; they add up to ${total}`);
  }
  return weights;
}

/** Returns the set of groups the metrics use, or null when the metric list is unusable. */
function checkMetrics(
  errors: ErrorList,
  metrics: unknown,
  knownSources: readonly string[],
  weights: Record<string, unknown> | null,
): Set<string> | null {
  if (!Array.isArray(metrics)) {
    errors.add('/metrics', 'metrics must be an array');
    return null;
  }
  if (metrics.length === 0) {
    errors.add('/metrics', 'a canary config needs at least one metric');
    return null;
  }
  const usedGroups = new Set<string>();
  const firstIndexByName = new Map<string, number>();
  metrics.forEach((metric: unknown, i) => {
    const pointer = pointerOf('/metrics', i);
    if (!isObject(metric)) {
      errors.add(pointer, 'a metric must be an object');
      return;
    }
    const name = metric['name'];
    if (typeof name !== 'string' || name.length === 0) {
      errors.add(pointerOf(pointer, 'name'), 'metric name is required');
    } else if (firstIndexByName.has(name)) {
      errors.add(pointerOf(pointer, 'name'), `duplicate metric name ${JSON.stringify(name)} (first at /metrics/${firstIndexByName.get(name)})`);
    } else {
      firstIndexByName.set(name, i);
    }

    const query = metric['query'];
    if (!isObject(query)) {
      errors.add(pointerOf(pointer, 'query'), 'query must be an object with a metric source type');
    } else if (typeof query['type'] !== 'string' || !knownSources.includes(query['type'])) {
      errors.add(
        pointerOf(pointer, 'query', 'type'),
        `unknown metric source ${JSON.stringify(query['type'])}; known sources: ${knownSources.join(', ') || '(none)'}`,
      );
    }

    const groups = metric['groups'];
    if (!Array.isArray(groups) || groups.length === 0) {
      errors.add(pointerOf(pointer, 'groups'), 'a metric must belong to at least one group');
    } else {
      groups.forEach((group: unknown, j) => {
        if (typeof group !== 'string' || group.length === 0) {
          errors.add(pointerOf(pointer, 'groups', j), 'a group name must be a non-empty string');
          return;
        }
        usedGroups.add(group);
        if (weights && !Object.hasOwn(weights, group)) {
          errors.add(pointerOf(pointer, 'groups', j), `group ${JSON.stringify(group)} has no weight in /classifier/groupWeights`);
        }
      });
    }

    checkOptionalString(errors, metric, 'scopeName', pointer);
    checkAnalysis(errors, metric['analysisConfigurations'], pointerOf(pointer, 'analysisConfigurations'));
  });
  return usedGroups;
}

function checkAnalysis(errors: ErrorList, analysis: unknown, pointer: string): void {
  if (analysis === undefined) return;
  if (!isObject(analysis)) {
    errors.add(pointer, 'analysisConfigurations must be an object');
    return;
  }
  const canary = analysis['canary'];
  const canaryPointer = pointerOf(pointer, 'canary');
  if (canary === undefined) return;
  if (!isObject(canary)) {
    errors.add(canaryPointer, 'analysisConfigurations.canary must be an object');
    return;
  }
  checkEnum(errors, canary, 'direction', DIRECTIONS, canaryPointer);
  checkEnum(errors, canary, 'nanStrategy', NAN_STRATEGIES, canaryPointer);
  for (const flag of BOOLEAN_FLAGS) {
    if (canary[flag] !== undefined && typeof canary[flag] !== 'boolean') errors.add(pointerOf(canaryPointer, flag), `${flag} must be true or false`);
  }

  const effect = canary['effectSize'];
  const effectPointer = pointerOf(canaryPointer, 'effectSize');
  if (effect !== undefined) {
    if (!isObject(effect)) {
      errors.add(effectPointer, 'effectSize must be an object');
    } else {
      checkEnum(errors, effect, 'measure', EFFECT_MEASURES, effectPointer);
      const isCles = effect['measure'] === 'cles';
      for (const field of EFFECT_FIELDS) {
        const value = effect[field];
        if (value === undefined) continue;
        if (!isFiniteNumber(value) || value <= 0) {
          errors.add(pointerOf(effectPointer, field), `${field} must be a positive number`);
        } else if (isCles && value > 1) {
          // CLES is a probability.
          errors.add(pointerOf(effectPointer, field), `${field} must lie between 0 and 1 for the cles measure; got ${value}`);
        }
      }
    }
  }

  const outliers = canary['outliers'];
  const outliersPointer = pointerOf(canaryPointer, 'outliers');
  if (outliers !== undefined) {
    if (!isObject(outliers)) {
      errors.add(outliersPointer, 'outliers must be an object');
    } else {
      checkEnum(errors, outliers, 'strategy', OUTLIER_STRATEGIES, outliersPointer);
      const factor = outliers['outlierFactor'];
      if (factor !== undefined && (!isFiniteNumber(factor) || factor <= 0)) {
        errors.add(pointerOf(outliersPointer, 'outlierFactor'), 'outlierFactor must be a positive number');
      }
    }
  }
}

function checkJudge(errors: ErrorList, judge: unknown): void {
  if (judge === undefined) return;
  if (!isObject(judge)) {
    errors.add('/judge', 'judge must be an object');
    return;
  }
  checkOptionalString(errors, judge, 'name', '/judge');
  if (judge['judgeConfigurations'] !== undefined && !isObject(judge['judgeConfigurations'])) {
    errors.add('/judge/judgeConfigurations', 'judgeConfigurations must be an object');
  }
}

function checkTemplates(errors: ErrorList, templates: unknown): void {
  if (templates === undefined) return;
  if (!isObject(templates)) {
    errors.add('/templates', 'templates must be an object of name to template');
    return;
  }
  for (const [name, template] of Object.entries(templates)) {
    if (typeof template !== 'string') errors.add(pointerOf('/templates', name), 'a template must be a string');
  }
}

/** Validates and, when valid, returns the input typed as a CanaryConfig. */
export function parseCanaryConfig(
  input: unknown,
  knownSources: readonly string[],
): { ok: true; config: CanaryConfig } | { ok: false; errors: ValidationError[] } {
  const result = validateCanaryConfig(input, knownSources);
  // The checks above cover every field CanaryConfig declares.
  return result.valid ? { ok: true, config: input as CanaryConfig } : { ok: false, errors: result.errors };
}
