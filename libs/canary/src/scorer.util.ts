// Canary scoring after Kayenta's WeightedSumScorer and ThresholdScoreClassifier:
// - a group's score is the share of its counted metrics (Pass, High, Low, NodataFailMetric) that passed;
// - the summary is the weighted sum of group scores; groups without a configured weight share what is
//   left of 100 equally; a group with nothing counted scores 0 but enters the sum as 100;
// - a failing critical metric, or Nodata on half the metrics or more, forces the summary to 0;
// - the summary is rounded half-up to 2 decimals, then compared with the pass and marginal thresholds.

import type { MetricClassificationLabel } from './classifier.util';

export interface ScorableMetric {
  classification: MetricClassificationLabel;
  groups: readonly string[];
  /** The classifier's critical flag (a critical metric that failed or had no data). */
  critical: boolean;
  reason?: string;
}

export interface GroupScore {
  name: string;
  /** 0..100; 0 when no metric of the group was counted. */
  score: number;
  /** True when no metric of the group was counted (all Nodata or Error). */
  noData: boolean;
  /** The weight this group carried in the summary: configured, or its share of what was left. */
  weight: number;
  labelCounts: Partial<Record<MetricClassificationLabel, number>>;
  metricCount: number;
}

export interface ScoreResult {
  score: number;
  groups: GroupScore[];
  /** Why the score was forced to 0, when it was. */
  reason?: string;
}

export interface ScoreThresholds {
  marginal: number;
  pass: number;
}

export type ScoreClassificationLabel = 'Pass' | 'Marginal' | 'Fail';

/** Kayenta: Nodata on this share of metrics (in percent) or more fails the canary. */
export const NODATA_THRESHOLD_PERCENT = 50;

function groupScore(name: string, labels: readonly MetricClassificationLabel[]): Omit<GroupScore, 'weight'> {
  const labelCounts: Partial<Record<MetricClassificationLabel, number>> = {};
  for (const label of labels) labelCounts[label] = (labelCounts[label] ?? 0) + 1;
  const passed = labelCounts.Pass ?? 0;
  const counted = passed + (labelCounts.High ?? 0) + (labelCounts.Low ?? 0) + (labelCounts.NodataFailMetric ?? 0);
  const noData = counted === 0;
  return { name, score: noData ? 0 : (passed / counted) * 100, noData, labelCounts, metricCount: labels.length };
}

/**
 * Rounds half away from zero on the shortest decimal form of the double, as Java's
 * `BigDecimal(Double.toString(x)).setScale(places, HALF_UP)` does (so 1.005 rounds to 1.01).
 */
export function roundHalfUp(value: number, places: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const [digitsPart, exponentPart] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = digitsPart.replace('.', '');
  const exponent = Number(exponentPart);
  // Digits before the rounding position: the integer part has exponent + 1 of them.
  const keep = exponent + 1 + places;
  if (keep >= digits.length) return value;
  let kept = keep > 0 ? BigInt(digits.slice(0, keep)) : 0n;
  const next = keep >= 0 ? digits.charCodeAt(keep) - 48 : 0;
  if (next >= 5) kept += 1n;
  const rounded = Number(`${kept}e-${places}`);
  return value < 0 ? -rounded : rounded;
}

/**
 * Scores classified metrics (dry-run metrics must already be left out). `groupWeights` may be null or
 * partial, as in Kayenta; validated configs give every group a weight and a total of 100.
 */
export function scoreMetrics(metrics: readonly ScorableMetric[], groupWeights: Readonly<Record<string, number>> | null | undefined): ScoreResult {
  const weights = groupWeights ?? {};
  const labelsByGroup = new Map<string, MetricClassificationLabel[]>();
  for (const metric of metrics) {
    for (const group of metric.groups) {
      let labels = labelsByGroup.get(group);
      if (!labels) labelsByGroup.set(group, (labels = []));
      labels.push(metric.classification);
    }
  }

  const configuredTotal = Object.values(weights).reduce((sum, w) => sum + w, 0);
  const unweighted = [...labelsByGroup.keys()].filter((g) => !Object.hasOwn(weights, g));
  const sharedWeight = unweighted.length > 0 ? (100 - configuredTotal) / unweighted.length : 0;
  const groups: GroupScore[] = [...labelsByGroup].map(([name, labels]) => ({
    ...groupScore(name, labels),
    // hasOwn: a group called "toString" must not pick up Object.prototype.
    weight: Object.hasOwn(weights, name) ? (weights[name] ?? sharedWeight) : sharedWeight,
  }));

  const criticalFailure = metrics.find((m) => m.critical && m.classification !== 'Pass');
  if (criticalFailure) {
    return { score: 0, groups, reason: `Canary Failed: ${criticalFailure.reason ?? 'a critical metric failed'}` };
  }
  const nodata = metrics.filter((m) => m.classification === 'Nodata').length;
  if ((nodata / metrics.length) * 100 >= NODATA_THRESHOLD_PERCENT) {
    return { score: 0, groups, reason: `Canary Failed: ${NODATA_THRESHOLD_PERCENT}% or more metrics returned NODATA` };
  }

  let summary = 0;
  for (const group of groups) summary += (group.noData ? 100 : group.score) * (group.weight / 100);
  return { score: roundHalfUp(summary, 2), groups };
}

export function classifyScore(score: number, thresholds: ScoreThresholds): ScoreClassificationLabel {
  if (score >= thresholds.pass) return 'Pass';
  if (score >= thresholds.marginal) return 'Marginal';
  return 'Fail';
}
