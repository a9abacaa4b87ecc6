import { describe, expect, it } from 'vitest';
import {
  classifyByMeanInequality,
  classifyMetric,
  DEFAULT_CLASSIFIER_SETTINGS,
  type MetricClassification,
  type MetricClassifierSettings,
} from './classifier.util';
import { kayentaVectors, type ClassifierVector } from './fixtures/fixtures';

function settingsOf(v: ClassifierVector): MetricClassifierSettings {
  const [allowedDecrease, allowedIncrease] = v.effectSizeThresholds_decrease_increase ?? [1, 1];
  const [criticalDecrease, criticalIncrease] = v.criticalThresholds_decrease_increase ?? [1, 1];
  return {
    direction: v.direction,
    nanStrategy: v.nanStrategy,
    critical: v.isCriticalMetric,
    mustHaveData: false,
    tolerance: v.tolerance ?? 0.25,
    confidenceLevel: v.confLevel ?? 0.95,
    effectSizeMeasure: v.effectSizeMeasure ?? 'meanRatio',
    effectSizeThresholds: { decrease: allowedDecrease, increase: allowedIncrease },
    criticalThresholds: { decrease: criticalDecrease, increase: criticalIncrease },
  };
}

function classifyVector(v: ClassifierVector): Pick<MetricClassification, 'classification' | 'reason' | 'deviation' | 'critical'> & Partial<MetricClassification> {
  return v.classifier.startsWith('MeanInequality')
    ? classifyByMeanInequality(v.control, v.experiment, settingsOf(v))
    : classifyMetric('metric', v.control, v.experiment, settingsOf(v));
}

describe('classifyMetric: Kayenta test vectors (ClassifierSuite)', () => {
  it('has the 37 classifier vectors', () => {
    expect(kayentaVectors.classifier).toHaveLength(37);
  });

  it.each(kayentaVectors.classifier.map((v) => [v.test, v] as const))('%s', (_name, v) => {
    const result = classifyVector(v);
    if (v.expectedClassification === null) {
      expect(result.reason ?? '').not.toBe('');
    } else {
      expect(result.classification).toBe(v.expectedClassification);
    }
    if (v.expectedCritical !== undefined) expect(result.critical).toBe(v.expectedCritical);
    if (v.expectedDeviation === 'NaN') expect(result.deviation).toBeNaN();
    else if (v.expectedDeviation !== undefined) expect(result.deviation).toBeCloseTo(v.expectedDeviation, 12);

    // The vectors also carry the interval a reference port computed: ours must agree.
    const info = v.informational_port;
    if (info && result.test) {
      expect(Math.abs(result.test.lowerConfidence - info.ci[0])).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(result.test.upperConfidence - info.ci[1])).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(result.test.estimate - info.estimate)).toBeLessThanOrEqual(1e-9);
      if (info.effectSize === null) expect(result.effectSize).toBeNaN();
      else expect(result.effectSize).toBeCloseTo(info.effectSize, 12);
    }
  });
});

describe('classifyMetric: behaviour around the vectors', () => {
  const base: MetricClassifierSettings = { ...DEFAULT_CLASSIFIER_SETTINGS, tolerance: 0.1, confidenceLevel: 0.95 };
  const control = [10.1, 9.8, 10.4, 9.9, 10.2, 10, 9.7, 10.3];
  const higher = control.map((v) => v * 2);

  it('a required metric without data is NodataFailMetric, unless critical (then Nodata, critical)', () => {
    const required = classifyMetric('m', control, [], { ...base, mustHaveData: true });
    expect(required.classification).toBe('NodataFailMetric');
    expect(required.critical).toBe(false);
    const critical = classifyMetric('m', control, [], { ...base, mustHaveData: true, critical: true });
    expect(critical.classification).toBe('Nodata');
    expect(critical.critical).toBe(true);
  });

  it('needs the interval to clear ±tolerance·|estimate|, not just zero', () => {
    const steady = [10.1, 9.8, 10.4, 9.9, 10.2, 10, 9.7, 10.3, 10.6, 9.5, 10.05, 9.85];
    const shifted = steady.map((v, i) => v + 0.35 + (i % 3 === 0 ? 0.05 : -0.03));
    const settings = { ...DEFAULT_CLASSIFIER_SETTINGS, confidenceLevel: 0.95 };
    const result = classifyMetric('m', steady, shifted, settings);
    const lower = result.test?.lowerConfidence ?? Number.NaN;
    const band = settings.tolerance * Math.abs(result.test?.estimate ?? Number.NaN);
    expect(lower).toBeGreaterThan(0);
    expect(lower).toBeLessThan(band);
    expect(result.classification).toBe('Pass');
    expect(classifyMetric('m', steady, shifted, { ...settings, tolerance: 0 }).classification).toBe('High');
  });

  it('respects the direction: a decrease-only metric passes when the experiment rises', () => {
    expect(classifyMetric('m', control, higher, { ...base, direction: 'decrease' }).classification).toBe('Pass');
    expect(classifyMetric('m', control, higher, { ...base, direction: 'increase' }).classification).toBe('High');
  });

  it('needs the effect size too: a doubling under an allowed increase of 2.5 passes', () => {
    const result = classifyMetric('m', control, higher, { ...base, effectSizeThresholds: { decrease: 1, increase: 2.5 } });
    expect(result.classification).toBe('Pass');
    expect(result.deviation).toBeCloseTo(2, 12);
    expect(result.test?.lowerConfidence).toBeGreaterThan(0);
  });

  it('reports CLES as the effect size when asked, 1.0 for complete separation', () => {
    const result = classifyMetric('m', control, higher, { ...base, effectSizeMeasure: 'cles', effectSizeThresholds: { decrease: 0.2, increase: 0.8 } });
    expect(result.classification).toBe('High');
    expect(result.effectSize).toBe(1);
    expect(result.deviation).toBeCloseTo(2, 12);
  });

  it('is deterministic for two constant series (seeded noise)', () => {
    const a = classifyMetric('m', [1, 1, 1, 1, 1], [10, 10, 10, 10, 10], base);
    const b = classifyMetric('m', [1, 1, 1, 1, 1], [10, 10, 10, 10, 10], base);
    expect(a.classification).toBe('High');
    expect(a.test?.lowerConfidence).toBe(b.test?.lowerConfidence);
    expect(a.test?.estimate).toBeCloseTo(9, 3);
  });

  it('turns a statistics failure into Error, critical for a critical metric', () => {
    const result = classifyMetric('m', [1, 2, 3], [1, 2, Number.POSITIVE_INFINITY], { ...base, critical: true });
    expect(result.classification).toBe('Error');
    expect(result.critical).toBe(true);
    expect(result.reason).toMatch(/non-finite/);
  });
});
