// @gennaker/canary: Kayenta's canary judge as pure functions.

export {
  mannWhitney,
  mannWhitneySorted,
  sortSample,
  wilcoxonDiff,
  MannWhitneyError,
  EXACT_P_VALUE_LIMIT,
  type MannWhitneyResult,
  type SortedSample,
} from './mann-whitney.util';
export { normalQuantile, normalTails, type NormalTails } from './normal-distribution.util';
export { wilcoxonCdf, wilcoxonExactPValue } from './wilcoxon-distribution.util';
export { findRoot } from './brent-root.util';
export { mean, variance, standardDeviation, percentile, summarize, type MetricStatistics } from './descriptive-statistics.util';
export { meanRatio, cles, cohenD, effectSize, type EffectSizeMeasure } from './effect-size.util';
export {
  applyNanStrategy,
  applyOutlierStrategy,
  detectOutliers,
  removeNaNs,
  removeOutliers,
  replaceNaNs,
  DEFAULT_OUTLIER_FACTOR,
  type NanStrategy,
  type OutlierStrategy,
} from './preprocess.util';
export {
  classifyMetric,
  classifySamples,
  classifyByMeanInequality,
  toSample,
  DEFAULT_CLASSIFIER_SETTINGS,
  type EffectThresholds,
  type MetricClassification,
  type MetricClassificationLabel,
  type MetricClassifierSettings,
  type MetricDirection,
  type Sample,
} from './classifier.util';
export {
  scoreMetrics,
  classifyScore,
  roundHalfUp,
  NODATA_THRESHOLD_PERCENT,
  type GroupScore,
  type ScorableMetric,
  type ScoreClassificationLabel,
  type ScoreResult,
  type ScoreThresholds,
} from './scorer.util';
export {
  resolveMetricSettings,
  DEFAULT_CONFIDENCE_LEVEL,
  DEFAULT_SCORE_THRESHOLDS,
  JUDGE_TOLERANCE,
  type CanaryConfig,
  type CanaryEffectSizeConfig,
  type CanaryMetricAnalysisConfig,
  type CanaryMetricConfig,
  type ResolvedMetricSettings,
} from './canary-config';
export {
  validateCanaryConfig,
  validateScoreThresholds,
  parseCanaryConfig,
  escapePointerToken,
  type ValidationError,
  type ValidationResult,
} from './canary-config-validation.util';
export {
  judge,
  validateMetricData,
  CanaryJudgeInputError,
  type GroupJudgement,
  type JudgeClassification,
  type JudgeOptions,
  type JudgeResult,
  type MetricData,
  type MetricJudgement,
} from './judge';
