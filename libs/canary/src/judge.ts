// The canary judge, after Kayenta's NetflixACAJudge: preprocess each metric (NaN strategy, outliers),
// classify it with the Mann-Whitney classifier, score the groups and the summary, and classify the
// summary against the thresholds. Beyond Kayenta: dry-run metrics are judged and reported but never
// scored, and an interval in which no scored metric has data is NoData rather than a score.

import { classifySamples, toSample, type MetricClassificationLabel } from './classifier.util';
import {
  DEFAULT_CONFIDENCE_LEVEL,
  DEFAULT_SCORE_THRESHOLDS,
  resolveMetricSettings,
  type CanaryConfig,
} from './canary-config';
import { validateScoreThresholds, type ValidationError, type ValidationResult } from './canary-config-validation.util';
import { summarizeSorted, type MetricStatistics } from './descriptive-statistics.util';
import type { EffectSizeMeasure } from './effect-size.util';
import { applyNanStrategy, applyOutlierStrategy } from './preprocess.util';
import { classifyScore, scoreMetrics, type ScoreThresholds } from './scorer.util';

export interface MetricData {
  name: string;
  control: number[];
  experiment: number[];
}

export interface JudgeOptions {
  /** Confidence level of the Mann-Whitney interval; default 0.98 (Kayenta's judge). */
  confidenceLevel?: number;
  /** Overrides `config.classifier.scoreThresholds`; default marginal 75, pass 95. */
  scoreThresholds?: ScoreThresholds;
}

export type JudgeClassification = 'Pass' | 'Marginal' | 'Fail' | 'NoData';

export interface MetricJudgement {
  name: string;
  classification: MetricClassificationLabel;
  /** Kayenta's flag: this metric fails the canary by itself (a critical metric that failed or had no data). */
  critical: boolean;
  /** The metric is configured critical. */
  criticalMetric: boolean;
  dryRun: boolean;
  groups: string[];
  /** Mean ratio experiment/control, the effect Kayenta reports; NaN when a mean is 0 (null in JSON). */
  deviation: number;
  /** The effect size in the configured measure (equal to `deviation` for meanRatio). */
  effectSize: number;
  effectSizeMeasure: EffectSizeMeasure;
  /** [lower, upper] of the location shift experiment - control; lower may exceed upper with heavy ties. */
  interval: [number, number] | null;
  estimate: number | null;
  pValue: number | null;
  /** Both control and experiment had at least one value (not NaN) before preprocessing. */
  hasData: boolean;
  controlStats: MetricStatistics;
  experimentStats: MetricStatistics;
  reason?: string;
}

export interface GroupJudgement {
  name: string;
  score: number;
  weight: number;
  /** 'NoData' when no metric of the group counted (all Nodata, Error); absent otherwise, as in Kayenta. */
  classification?: string;
  metricCount: number;
}

export interface JudgeResult {
  score: number;
  classification: JudgeClassification;
  reason?: string;
  groups: GroupJudgement[];
  metrics: MetricJudgement[];
  confidenceLevel: number;
  scoreThresholds: ScoreThresholds;
}

/** Input the judge cannot work with; `errors` carry JSON pointers into the judge request. */
export class CanaryJudgeInputError extends Error {
  override readonly name = 'CanaryJudgeInputError';
  constructor(readonly errors: ValidationError[]) {
    super(errors.map((e) => `${e.pointer || '/'}: ${e.message}`).join('; '));
  }
}

/**
 * Checks metric data against a config: every series names a configured metric once, and holds
 * numbers (null stands for a gap and is read as NaN). Pointers are `/metrics/<i>/...`, matching
 * the `metrics` array of a judge request.
 */
export function validateMetricData(config: CanaryConfig, data: unknown): ValidationResult {
  const errors: ValidationError[] = [];
  if (!Array.isArray(data)) return { valid: false, errors: [{ pointer: '/metrics', message: 'metrics must be an array' }] };
  const configured = new Set(config.metrics.map((m) => m.name));
  const seen = new Map<string, number>();
  data.forEach((entry: unknown, i) => {
    const pointer = `/metrics/${i}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errors.push({ pointer, message: 'a metric series must be an object with name, control and experiment' });
      return;
    }
    const record = entry as Record<string, unknown>;
    const name = record['name'];
    if (typeof name !== 'string' || !configured.has(name)) {
      errors.push({ pointer: `${pointer}/name`, message: `no metric named ${JSON.stringify(name)} in the canary config` });
    } else if (seen.has(name)) {
      errors.push({ pointer: `${pointer}/name`, message: `metric ${JSON.stringify(name)} is given twice (first at /metrics/${seen.get(name)})` });
    } else {
      seen.set(name, i);
    }
    for (const side of ['control', 'experiment'] as const) {
      const values = record[side];
      if (!Array.isArray(values)) {
        errors.push({ pointer: `${pointer}/${side}`, message: `${side} must be an array of numbers` });
        continue;
      }
      const bad = values.findIndex((v: unknown) => v !== null && typeof v !== 'number');
      if (bad >= 0) errors.push({ pointer: `${pointer}/${side}/${bad}`, message: 'values must be numbers (or null for a gap)' });
    }
  });
  return { valid: errors.length === 0, errors };
}

// Gaps may arrive as null from JSON: they are NaN to the judge.
function toSeries(values: readonly unknown[] | undefined): number[] {
  if (!values) return [];
  return values.map((v) => (typeof v === 'number' ? v : Number.NaN));
}

function hasAnyValue(values: readonly number[]): boolean {
  return values.some((v) => !Number.isNaN(v));
}

/**
 * Judges a canary interval. Configured metrics without data are judged as empty series. Throws
 * CanaryJudgeInputError for data that names unknown metrics, a bad confidence level or bad thresholds.
 * The config itself is expected to have passed validateCanaryConfig.
 */
export function judge(config: CanaryConfig, data: readonly MetricData[], options: JudgeOptions = {}): JudgeResult {
  const confidenceLevel = options.confidenceLevel ?? DEFAULT_CONFIDENCE_LEVEL;
  const scoreThresholds = options.scoreThresholds ?? config.classifier.scoreThresholds ?? DEFAULT_SCORE_THRESHOLDS;
  const inputErrors = [...validateMetricData(config, data).errors];
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
    inputErrors.push({ pointer: '/confidenceLevel', message: `confidenceLevel must lie strictly between 0 and 1; got ${confidenceLevel}` });
  }
  inputErrors.push(...validateScoreThresholds(scoreThresholds, '/scoreThresholds').errors);
  if (inputErrors.length > 0) throw new CanaryJudgeInputError(inputErrors);

  const dataByName = new Map(data.map((d) => [d.name, d]));
  const metrics = config.metrics.map((metricConfig): MetricJudgement => {
    const settings = resolveMetricSettings(metricConfig, confidenceLevel);
    const series = dataByName.get(metricConfig.name);
    const rawControl = toSeries(series?.control);
    const rawExperiment = toSeries(series?.experiment);

    // Sorted once here; the classifier and the statistics share the copies.
    const prepare = (values: readonly number[]) =>
      toSample(applyOutlierStrategy(applyNanStrategy(values, settings.classifier.nanStrategy), settings.outlierStrategy, settings.outlierFactor));
    const control = prepare(rawControl);
    const experiment = prepare(rawExperiment);

    const result = classifySamples(metricConfig.name, control, experiment, settings.classifier);
    const judgement: MetricJudgement = {
      name: metricConfig.name,
      classification: result.classification,
      critical: result.critical,
      criticalMetric: settings.classifier.critical,
      dryRun: settings.dryRun,
      groups: [...metricConfig.groups],
      deviation: result.deviation,
      effectSize: result.effectSize,
      effectSizeMeasure: settings.classifier.effectSizeMeasure,
      interval: result.test ? [result.test.lowerConfidence, result.test.upperConfidence] : null,
      estimate: result.test ? result.test.estimate : null,
      pValue: result.test ? result.test.pValue : null,
      hasData: hasAnyValue(rawControl) && hasAnyValue(rawExperiment),
      controlStats: summarizeSorted(control.values, control.sorted),
      experimentStats: summarizeSorted(experiment.values, experiment.sorted),
    };
    if (result.reason !== undefined) judgement.reason = result.reason;
    return judgement;
  });

  const scored = metrics.filter((m) => !m.dryRun);
  const scoring = scoreMetrics(scored, config.classifier.groupWeights);
  const groups = scoring.groups.map((g): GroupJudgement => {
    const group: GroupJudgement = { name: g.name, score: g.score, weight: g.weight, metricCount: g.metricCount };
    if (g.noData) group.classification = 'NoData';
    return group;
  });
  const base = { groups, metrics, confidenceLevel, scoreThresholds };

  if (scored.length === 0) {
    return { ...base, score: 0, classification: 'NoData', reason: 'Every metric is dry-run: nothing was scored' };
  }
  if (scored.every((m) => !m.hasData)) {
    return {
      ...base,
      score: 0,
      classification: 'NoData',
      reason: `No data: none of the ${scored.length} scored metrics has both control and experiment data in this interval`,
    };
  }
  const result: JudgeResult = { ...base, score: scoring.score, classification: classifyScore(scoring.score, scoreThresholds) };
  if (scoring.reason !== undefined) result.reason = scoring.reason;
  return result;
}
