// Finding a canary's state in its execution: the canary stage above any of its synthetic stages,
// the deployment plan its deploy stage recorded, its canary result id.

import { createHash } from 'node:crypto';
import { descendantsOf, findStage, type Execution, type Stage } from '@gennaker/engine';
import { isPlainObject } from '@gennaker/common';
import type { CanaryDeploymentPlan } from './canary-deployments.util';

export const CANARY_STAGE_TYPES = ['kayentaCanary', 'canary'];

/** The kayentaCanary (or canary) stage that is `stage` or planned it. */
export function canaryStageOf(execution: Readonly<Execution>, stage: Readonly<Stage>): Stage | null {
  let cur: Stage | undefined = stage as Stage;
  while (cur) {
    if (CANARY_STAGE_TYPES.includes(cur.type)) return cur;
    cur = cur.parentStageId === null ? undefined : findStage(execution as Execution, cur.parentStageId);
  }
  return null;
}

/** The deployment plan recorded under a canary stage (before anything was created), if any. */
export function deploymentPlanOf(execution: Readonly<Execution>, canary: Readonly<Stage>): CanaryDeploymentPlan | null {
  for (const s of descendantsOf(execution as Execution, canary as Stage)) {
    const plan = s.context['canaryDeployment'];
    if (isPlainObject(plan) && isPlainObject(plan['baseline']) && isPlainObject(plan['canary'])) return plan as unknown as CanaryDeploymentPlan;
  }
  return null;
}

/** The manual judgment a marginal canary waits on, if one was planned and ran. */
export function marginalJudgmentOf(execution: Readonly<Execution>, canary: Readonly<Stage>): Stage | null {
  return descendantsOf(execution as Execution, canary as Stage).find((s) => s.type === 'manualJudgment' && s.context['canaryMarginalJudgment'] === true) ?? null;
}

/**
 * The id of a stage run's canary result: derived from the execution, the stage and when it
 * started, so a retried task finds the row it created; a restarted stage gets a new one.
 */
export function canaryResultIdFor(executionId: string, stageId: string, startTime: number | null): string {
  const h = createHash('sha256').update(`${executionId}\0${stageId}\0${startTime ?? 0}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
