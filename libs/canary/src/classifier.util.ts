// Per-metric classification, after Kayenta's MannWhitneyClassifier: the experiment is High (Low) when
// the whole Mann-Whitney interval lies above (below) a small band around zero AND the effect size
// reaches the allowed increase (decrease). Critical metrics fail the canary when the effect also
// reaches the critical threshold. Missing data is Nodata, or NodataFailMetric when data is required.

import { clesSorted, meanRatio, type EffectSizeMeasure } from './effect-size.util';
import { mannWhitneySorted, sortSample, type MannWhitneyResult, type SortedSample } from './mann-whitney.util';
import { mean } from './descriptive-statistics.util';
import { addGaussianNoise, seededGaussian, seededUniform, type NanStrategy } from './preprocess.util';

export type MetricClassificationLabel = 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFailMetric' | 'Error';
export type MetricDirection = 'increase' | 'decrease' | 'either';

export interface EffectThresholds {
  /** Effect sizes at or below this count as a decrease (meanRatio e.g. 0.8; cles e.g. 0.2). */
  decrease: number;
  /** Effect sizes at or above this count as an increase (meanRatio e.g. 1.2; cles e.g. 0.8). */
  increase: number;
}

export interface MetricClassifierSettings {
  direction: MetricDirection;
  /** Only decides what empty data means: `remove` → Nodata, `replace` → Pass (as Kayenta). */
  nanStrategy: NanStrategy;
  critical: boolean;
  mustHaveData: boolean;
  /** Half-width of the band around zero, as a fraction of |estimate|. Kayenta's judge uses 0.25. */
  tolerance: number;
  confidenceLevel: number;
  effectSizeMeasure: EffectSizeMeasure;
  effectSizeThresholds: EffectThresholds;
  criticalThresholds: EffectThresholds;
}

export interface MetricClassification {
  classification: MetricClassificationLabel;
  reason?: string;
  /** The mean ratio experiment/control (Kayenta's reported "ratio"); NaN when a mean is 0. */
  deviation: number;
  /** The effect size in the configured measure; NaN when not computed. */
  effectSize: number;
  /** Kayenta's flag: this result fails the canary on its own (a failing or data-less critical metric). */
  critical: boolean;
  /** The test on the data compared (with Kayenta's noise when both sides were constant); null if not run. */
  test: MannWhitneyResult | null;
}

export const DEFAULT_CLASSIFIER_SETTINGS: MetricClassifierSettings = {
  direction: 'either',
  nanStrategy: 'remove',
  critical: false,
  mustHaveData: false,
  tolerance: 0.25,
  confidenceLevel: 0.98,
  effectSizeMeasure: 'meanRatio',
  effectSizeThresholds: { decrease: 1, increase: 1 },
  criticalThresholds: { decrease: 1, increase: 1 },
};

// Fixed seed: the noise only breaks a degenerate tie; the judgement must be reproducible.
const NOISE_SEED = 0x5eed_ca11;
const NOISE_SCALE = 1e-5;

function isNotAnEffect(value: number): boolean {
  return Number.isNaN(value);
}

/** A series and a sorted copy of it, sorted once per metric and shared by every statistic. */
export interface Sample {
  values: readonly number[];
  sorted: SortedSample;
}

export function toSample(values: readonly number[]): Sample {
  return { values, sorted: sortSample(values) };
}

function sameSorted(a: SortedSample, b: SortedSample): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The single value of a constant non-empty sample, or undefined. */
function constantValue(sample: Sample): number | undefined {
  const { sorted } = sample;
  const low = sorted[0];
  return low !== undefined && low === sorted[sorted.length - 1] ? low : undefined;
}

/**
 * Classifies one metric: experiment against control, both already preprocessed. Never throws: a
 * failure of the statistics becomes `Error` (critical when the metric is), with the reason.
 */
export function classifyMetric(
  name: string,
  control: readonly number[],
  experiment: readonly number[],
  settings: MetricClassifierSettings,
): MetricClassification {
  return classifySamples(name, toSample(control), toSample(experiment), settings);
}

/** classifyMetric on samples the caller already sorted (the judge reuses them for its statistics). */
export function classifySamples(name: string, control: Sample, experiment: Sample, settings: MetricClassifierSettings): MetricClassification {
  if (experiment.values.length === 0 || control.values.length === 0) {
    switch (settings.nanStrategy) {
      case 'remove': {
        const reason = `Missing data for ${name}`;
        if (settings.mustHaveData && !settings.critical) {
          return { classification: 'NodataFailMetric', reason, deviation: 1, effectSize: Number.NaN, critical: false, test: null };
        }
        return { classification: 'Nodata', reason, deviation: 1, effectSize: Number.NaN, critical: settings.critical, test: null };
      }
      case 'replace':
        // Kayenta's reading: with NaNs replaced by 0, an empty series is "nothing happened".
        return { classification: 'Pass', deviation: 1, effectSize: Number.NaN, critical: false, test: null };
    }
  }

  if (sameSorted(experiment.sorted, control.sorted)) {
    return {
      classification: 'Pass',
      reason: 'The Canary and Baseline data are identical',
      deviation: 1,
      effectSize: Number.NaN,
      critical: false,
      test: null,
    };
  }
  const experimentConstant = constantValue(experiment);
  const controlConstant = constantValue(control);
  if (experimentConstant !== undefined && experimentConstant === controlConstant) {
    return { classification: 'Pass', deviation: 1, effectSize: Number.NaN, critical: false, test: null };
  }

  try {
    // Two constant series cannot be ranked apart: add noise scaled to each value (Kayenta does the same).
    if (experimentConstant !== undefined && controlConstant !== undefined) {
      const gaussian = seededGaussian(seededUniform(NOISE_SEED));
      const noisyExperiment = addGaussianNoise(experiment.values, experimentConstant * NOISE_SCALE, gaussian);
      const noisyControl = addGaussianNoise(control.values, controlConstant * NOISE_SCALE, gaussian);
      return compare(name, toSample(noisyControl), toSample(noisyExperiment), settings);
    }
    return compare(name, control, experiment, settings);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      classification: 'Error',
      reason: `Metric classification failed: ${message}`,
      deviation: Number.NaN,
      effectSize: Number.NaN,
      critical: settings.critical,
      test: null,
    };
  }
}

function compare(name: string, control: Sample, experiment: Sample, settings: MetricClassifierSettings): MetricClassification {
  const test = mannWhitneySorted(experiment.sorted, control.sorted, settings.confidenceLevel);
  const deviation = meanRatio(control.values, experiment.values);
  const effect = effectOf(settings.effectSizeMeasure, control, experiment, deviation);

  // A band of ±tolerance·|estimate| around zero that the interval must clear.
  const band = settings.tolerance * Math.abs(test.estimate);
  const { direction } = settings;
  // When the effect size cannot be computed (a zero mean), only the interval decides.
  const isHigh =
    (direction === 'increase' || direction === 'either') &&
    test.lowerConfidence > band &&
    (isNotAnEffect(effect) || effect >= settings.effectSizeThresholds.increase);
  const isLow =
    (direction === 'decrease' || direction === 'either') &&
    test.upperConfidence < -band &&
    (isNotAnEffect(effect) || effect <= settings.effectSizeThresholds.decrease);

  const base = { deviation, effectSize: effect, test };
  if (isHigh) {
    const critical = settings.critical && (isNotAnEffect(effect) || effect >= settings.criticalThresholds.increase);
    return critical
      ? { ...base, classification: 'High', reason: `The metric ${name} was classified as High (Critical)`, critical: true }
      : { ...base, classification: 'High', reason: `${name} was classified as High`, critical: false };
  }
  if (isLow) {
    const critical = settings.critical && (isNotAnEffect(effect) || effect <= settings.criticalThresholds.decrease);
    return critical
      ? { ...base, classification: 'Low', reason: `The metric ${name} was classified as Low (Critical)`, critical: true }
      : { ...base, classification: 'Low', reason: `${name} was classified as Low`, critical: false };
  }
  return { ...base, classification: 'Pass', critical: false };
}

function effectOf(measure: EffectSizeMeasure, control: Sample, experiment: Sample, ratio: number): number {
  switch (measure) {
    case 'meanRatio':
      return ratio;
    case 'cles':
      return clesSorted(control.sorted, experiment.sorted);
  }
}

/**
 * Kayenta's MeanInequalityClassifier (a benchmarking baseline): High or Low whenever the means differ
 * in a direction that counts.
 */
export function classifyByMeanInequality(
  control: readonly number[],
  experiment: readonly number[],
  settings: Pick<MetricClassifierSettings, 'direction' | 'nanStrategy' | 'critical' | 'mustHaveData'>,
): Pick<MetricClassification, 'classification' | 'reason' | 'deviation' | 'critical'> {
  if (experiment.length === 0 || control.length === 0) {
    switch (settings.nanStrategy) {
      case 'remove':
        if (settings.mustHaveData && !settings.critical) return { classification: 'NodataFailMetric', deviation: 1, critical: false };
        return { classification: 'Nodata', deviation: 0, critical: settings.critical };
      case 'replace':
        return { classification: 'Pass', deviation: 1, critical: false };
    }
  }
  const experimentMean = mean(experiment);
  const controlMean = mean(control);
  const ratio = experimentMean / controlMean;
  const { direction } = settings;
  if ((direction === 'increase' || direction === 'either') && experimentMean > controlMean) {
    return { classification: 'High', reason: 'The Canary mean was greater than the Baseline mean', deviation: ratio, critical: settings.critical };
  }
  if ((direction === 'decrease' || direction === 'either') && experimentMean < controlMean) {
    return { classification: 'Low', reason: 'The Canary mean was less than the Baseline mean', deviation: ratio, critical: settings.critical };
  }
  return { classification: 'Pass', deviation: 1, critical: false };
}
