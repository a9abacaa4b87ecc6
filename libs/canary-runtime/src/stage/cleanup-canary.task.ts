// The end of every canary, whatever its outcome: the baseline and canary groups are destroyed and
// the production load balancers' weights put back (Orca's CleanupCanaryClustersStage), and the
// canary run gets its final status. The same cleanup runs from the tasks' onCancel hooks when an
// execution is canceled, since a canceled execution runs no more stages.

import { errorMessage } from '@gennaker/common';
import type { Execution, Stage, TaskImplementation, TaskInput, TaskResult } from '@gennaker/engine';
import type { CanaryDeps } from '../canary-deps';
import { restoredWeights, type CanaryDeploymentPlan } from './canary-deployments.util';
import { canaryStageOf, deploymentPlanOf, marginalJudgmentOf } from './canary-execution.util';
import { readCanaryStage } from './canary-stage-context.util';

/** Destroys both groups (gone already is fine), restores the weights, releases the locks. */
export async function destroyCanaryGroups(deps: CanaryDeps, plan: CanaryDeploymentPlan, owner: string): Promise<void> {
  if (!deps.cloud) return;
  const provider = deps.cloud.providerFor(plan.account);
  const failures: string[] = [];
  // Destroy first: with the canary's weights still set, production keeps the whole share once they are gone.
  for (const g of [plan.canary, plan.baseline]) {
    await provider.destroyServerGroup(plan.account, plan.region, g.name).catch((err: unknown) => failures.push(`destroy ${g.name}: ${errorMessage(err)}`));
  }
  if (plan.traffic.mode === 'weights' && provider.setTrafficWeights) {
    for (const [lb, weights] of Object.entries(restoredWeights(plan))) {
      await provider.setTrafficWeights(plan.account, plan.region, lb, weights).catch((err: unknown) => failures.push(`restore weights of ${lb}: ${errorMessage(err)}`));
    }
  }
  if (deps.lock) {
    for (const cluster of [plan.baseline.cluster, plan.canary.cluster]) await deps.lock.release(`${plan.account}/${plan.region}/${cluster}`, owner).catch(() => undefined);
  }
  if (failures.length > 0) throw new Error(`canary cleanup incomplete: ${failures.join('; ')}`);
}

/** On cancel: tear down what the plan says may exist and mark the run canceled. */
export async function cleanupCanaryNow(deps: CanaryDeps, input: Pick<TaskInput, 'execution' | 'stage'>, reason: string): Promise<void> {
  const canary = canaryStageOf(input.execution, input.stage);
  if (!canary) return;
  const resultId = canary.context['canaryResultId'];
  if (typeof resultId === 'string') {
    await deps.results.finish(resultId, { status: 'CANCELED', classification: null, score: null, message: `the canary was ${reason}`, ended: true });
  }
  const plan = deploymentPlanOf(input.execution, canary);
  if (plan) await destroyCanaryGroups(deps, plan, input.execution.id);
}

function delayBeforeCleanupMs(canary: Stage): number {
  return readCanaryStage(canary.context, 'validate').settings?.deployments?.delayBeforeCleanupMs ?? 0;
}

/** Destroys baseline and canary and waits until both are gone. */
export function cleanupCanaryDeploymentTask(deps: CanaryDeps): TaskImplementation {
  return {
    type: 'cleanupCanaryDeployment',
    queue: 'cloud',
    maxAttempts: 10,
    async onCancel(input: TaskInput): Promise<TaskResult> {
      await cleanupCanaryNow(deps, input, 'canceled');
      return { status: 'CANCELED' };
    },
    async execute(input: TaskInput): Promise<TaskResult> {
      const canary = canaryStageOf(input.execution, input.stage);
      const plan = canary ? deploymentPlanOf(input.execution, canary) : null;
      if (!canary || !plan || !deps.cloud) return { status: 'SUCCEEDED', context: { canaryCleanup: 'nothing was deployed' } };
      const delay = delayBeforeCleanupMs(canary);
      if (delay > input.taskElapsedMs) return { status: 'RUNNING', backoffMs: delay - input.taskElapsedMs, context: { canaryCleanup: `destroying baseline and canary in ${Math.ceil((delay - input.taskElapsedMs) / 1000)} s` } };
      const provider = deps.cloud.providerFor(plan.account);
      if (input.stage.context['canaryGroupsDestroyed'] !== true) {
        await destroyCanaryGroups(deps, plan, input.execution.id);
      }
      const remaining: string[] = [];
      for (const g of [plan.baseline, plan.canary]) if (await provider.getServerGroup(plan.account, plan.region, g.name)) remaining.push(g.name);
      if (remaining.length > 0) return { status: 'RUNNING', backoffMs: provider.pollIntervalMs ?? 5000, context: { canaryGroupsDestroyed: true, canaryCleanup: `waiting for ${remaining.join(', ')} to go` } };
      return { status: 'SUCCEEDED', context: { canaryGroupsDestroyed: true, canaryCleanup: `destroyed ${plan.baseline.name} and ${plan.canary.name}` } };
    },
  };
}

/** How the run ended, when the analysis itself did not say (a judgment, or a failure before a verdict). */
function finalOutcome(execution: Readonly<Execution>, canary: Stage): { status: 'SUCCEEDED' | 'TERMINAL'; message: string } {
  const judgment = marginalJudgmentOf(execution, canary);
  const judged = judgment?.context['judgmentStatus'];
  const by = typeof judgment?.lastModified?.user === 'string' ? judgment.lastModified.user : 'a user';
  if (judged === 'continue') return { status: 'SUCCEEDED', message: `marginal; continued by ${by} at the manual judgment` };
  if (judged === 'stop') return { status: 'TERMINAL', message: `marginal; stopped by ${by} at the manual judgment` };
  if (canary.error) return { status: 'TERMINAL', message: canary.error.message };
  if (canary.outputs['overallResult'] === 'Pass') return { status: 'SUCCEEDED', message: 'canary passed' };
  return { status: 'TERMINAL', message: 'the canary ended without a passing verdict' };
}

/** Gives the canary run its final status (once: a run that ended keeps its verdict). */
export function completeCanaryRunTask(deps: CanaryDeps): TaskImplementation {
  return {
    type: 'completeCanaryRun',
    queue: 'canary',
    async execute(input: TaskInput): Promise<TaskResult> {
      const canary = canaryStageOf(input.execution, input.stage);
      const id = canary?.context['canaryResultId'];
      if (!canary || typeof id !== 'string') return { status: 'SUCCEEDED' };
      const record = await deps.results.get(id);
      if (!record || record.status !== 'RUNNING') return { status: 'SUCCEEDED' };
      const outcome = finalOutcome(input.execution, canary);
      await deps.results.finish(id, { status: outcome.status, classification: null, score: null, message: outcome.message, ended: true });
      return { status: 'SUCCEEDED', outputs: { canaryRunStatus: outcome.status } };
    },
  };
}
