// Canary configs in Kayenta's shape, and how a metric's `analysisConfigurations.canary` resolves to
// classifier settings with Kayenta's defaults.

import type { EffectThresholds, MetricClassifierSettings, MetricDirection } from './classifier.util';
import type { EffectSizeMeasure } from './effect-size.util';
import { DEFAULT_OUTLIER_FACTOR, type NanStrategy, type OutlierStrategy } from './preprocess.util';
import type { ScoreThresholds } from './scorer.util';

export interface CanaryEffectSizeConfig {
  allowedIncrease?: number;
  allowedDecrease?: number;
  criticalIncrease?: number;
  criticalDecrease?: number;
  measure?: EffectSizeMeasure;
}

export interface CanaryMetricAnalysisConfig {
  direction?: MetricDirection;
  nanStrategy?: NanStrategy;
  critical?: boolean;
  mustHaveData?: boolean;
  /** Measured and reported, never scored: a dry-run metric cannot fail a canary. */
  dryRun?: boolean;
  /** Kayenta's name for leaving a metric out of the score; treated like `dryRun`. */
  muted?: boolean;
  effectSize?: CanaryEffectSizeConfig;
  outliers?: { strategy?: OutlierStrategy; outlierFactor?: number };
}

export interface CanaryMetricConfig {
  name: string;
  /** `{type: 'prometheus' | 'cloudwatch' | 'local', ...}`: one query per metric source. */
  query: Record<string, unknown>;
  groups: string[];
  analysisConfigurations?: { canary?: CanaryMetricAnalysisConfig };
  scopeName?: string;
}

export interface CanaryConfig {
  id?: string;
  name: string;
  applications?: string[];
  description?: string;
  metrics: CanaryMetricConfig[];
  classifier: { groupWeights: Record<string, number>; scoreThresholds?: ScoreThresholds };
  judge?: { name?: string; judgeConfigurations?: Record<string, unknown> };
  templates?: Record<string, string>;
  [k: string]: unknown;
}

/** Used when neither the judge options nor the config give thresholds (Spinnaker's usual 75/95). */
export const DEFAULT_SCORE_THRESHOLDS: ScoreThresholds = { marginal: 75, pass: 95 };
export const DEFAULT_CONFIDENCE_LEVEL = 0.98;
/** Kayenta's judge: the interval must clear ±25% of |estimate|. */
export const JUDGE_TOLERANCE = 0.25;

export interface ResolvedMetricSettings {
  classifier: MetricClassifierSettings;
  outlierStrategy: OutlierStrategy;
  outlierFactor: number;
  dryRun: boolean;
}

/** A metric's analysis settings with Kayenta's defaults filled in. */
export function resolveMetricSettings(metric: CanaryMetricConfig, confidenceLevel: number = DEFAULT_CONFIDENCE_LEVEL): ResolvedMetricSettings {
  const canary = metric.analysisConfigurations?.canary ?? {};
  const effect = canary.effectSize ?? {};
  const measure: EffectSizeMeasure = effect.measure ?? 'meanRatio';
  // "No effect" is a ratio of 1, or a CLES of 0.5.
  const neutral = measure === 'cles' ? 0.5 : 1.0;
  const effectSizeThresholds: EffectThresholds = {
    decrease: effect.allowedDecrease ?? neutral,
    increase: effect.allowedIncrease ?? neutral,
  };
  const criticalThresholds: EffectThresholds = {
    decrease: effect.criticalDecrease ?? neutral,
    increase: effect.criticalIncrease ?? neutral,
  };
  return {
    classifier: {
      direction: canary.direction ?? 'either',
      nanStrategy: canary.nanStrategy ?? 'remove',
      critical: canary.critical ?? false,
      mustHaveData: canary.mustHaveData ?? false,
      tolerance: JUDGE_TOLERANCE,
      confidenceLevel,
      effectSizeMeasure: measure,
      effectSizeThresholds,
      criticalThresholds,
    },
    outlierStrategy: canary.outliers?.strategy ?? 'keep',
    outlierFactor: canary.outliers?.outlierFactor ?? DEFAULT_OUTLIER_FACTOR,
    dryRun: (canary.dryRun ?? false) || (canary.muted ?? false),
  };
}
