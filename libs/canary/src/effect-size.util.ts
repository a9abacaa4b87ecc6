// Effect sizes of the experiment against the control, as Kayenta's EffectSizes computes them.

import { mean, variance } from './descriptive-statistics.util';
import { mannWhitneyU, sortSample, type SortedSample } from './mann-whitney.util';

export type EffectSizeMeasure = 'meanRatio' | 'cles';

/** mean(experiment) / mean(control); NaN when either mean is 0 (the ratio says nothing there). */
export function meanRatio(control: readonly number[], experiment: readonly number[]): number {
  const controlMean = mean(control);
  const experimentMean = mean(experiment);
  if (controlMean === 0 || experimentMean === 0) return Number.NaN;
  return experimentMean / controlMean;
}

/**
 * Common-language effect size (Vargha and Delaney's A): the share of (experiment, control) pairs where
 * the experiment is higher, ties counting half. 0.5 means no effect.
 */
export function cles(control: readonly number[], experiment: readonly number[]): number {
  return clesSorted(sortSample(control), sortSample(experiment));
}

/** cles on samples already sorted. Kayenta writes it (2·R1 - m(m+1)) / (2nm), R1 the rank sum: that is U / (nm). */
export function clesSorted(control: SortedSample, experiment: SortedSample): number {
  const m = experiment.length;
  const n = control.length;
  return mannWhitneyU(experiment, control) / (n * m);
}

/** Cohen's d with the pooled standard deviation (absolute). */
export function cohenD(control: readonly number[], experiment: readonly number[]): number {
  const nc = control.length;
  const ne = experiment.length;
  const pooled = Math.sqrt(((ne - 1) * variance(experiment) + (nc - 1) * variance(control)) / (nc + ne - 2));
  return Math.abs(mean(experiment) - mean(control)) / pooled;
}

export function effectSize(measure: EffectSizeMeasure, control: readonly number[], experiment: readonly number[]): number {
  switch (measure) {
    case 'meanRatio':
      return meanRatio(control, experiment);
    case 'cles':
      return cles(control, experiment);
  }
}
