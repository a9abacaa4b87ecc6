// What an interval's judgment means for the canary (after Orca's kayenta stages): a score at or
// below the marginal threshold fails the canary, at once (the remaining intervals are not run);
// otherwise the canary goes on until its last interval, whose score decides: Pass at or above
// the pass threshold, Marginal between the two (the judge calls a score equal to the marginal
// threshold Marginal; Orca fails it, and so does the canary). Beyond Kayenta, an interval without
// data is reported as NoData: it never stops a canary early, and a canary whose last interval had
// no data fails rather than pass on nothing.

import type { JudgeClassification, ScoreThresholds } from '@gennaker/canary';

export interface IntervalVerdict {
  score: number;
  classification: JudgeClassification;
}

export type CanaryDecision =
  | { done: false }
  | { done: true; result: JudgeClassification; score: number; earlyStop: boolean; message: string };

export function decideAfterInterval(judged: readonly IntervalVerdict[], totalIntervals: number, thresholds: ScoreThresholds): CanaryDecision {
  const last = judged[judged.length - 1];
  if (!last) return { done: false };
  const n = judged.length;
  const score = last.score;
  if (last.classification !== 'NoData' && score <= thresholds.marginal) {
    return n < totalIntervals
      ? { done: true, result: 'Fail', score, earlyStop: true, message: `canary stopped after interval ${n} of ${totalIntervals}: score ${score} is not above the marginal threshold ${thresholds.marginal}` }
      : { done: true, result: 'Fail', score, earlyStop: false, message: `canary failed: final score ${score} is not above the marginal threshold ${thresholds.marginal}` };
  }
  if (n < totalIntervals) return { done: false };
  switch (last.classification) {
    case 'Pass':
      return { done: true, result: 'Pass', score, earlyStop: false, message: `canary passed: final score ${score} (pass threshold ${thresholds.pass})` };
    case 'Marginal':
      return { done: true, result: 'Marginal', score, earlyStop: false, message: `canary is marginal: final score ${score} is below the pass threshold ${thresholds.pass} and above the marginal threshold ${thresholds.marginal}` };
    case 'Fail':
      return { done: true, result: 'Fail', score, earlyStop: false, message: `canary failed: final score ${score} is not above the marginal threshold ${thresholds.marginal}` };
    case 'NoData':
      return { done: true, result: 'NoData', score, earlyStop: false, message: 'canary failed: the last interval had no data for the scored metrics (no traffic?)' };
  }
}
