import { childrenOf, topLevelStages, upstreamStages } from './graph.util';
import type { Execution, Stage } from './model';
import type { ExecutionStatus } from './status';
import { letsDownstreamRun } from './status';

/**
 * How a failure of this stage counts (Spinnaker's "if stage fails" options):
 * `continuePipeline` -> FAILED_CONTINUE (ignore the failure), `failPipeline` unset or true -> TERMINAL
 * (halt the pipeline), `failPipeline: false` -> STOPPED (halt this branch).
 */
export function failureStatus(stage: Stage, fallback: ExecutionStatus = 'TERMINAL'): ExecutionStatus {
  const ctx = stage.context;
  if (ctx['continuePipeline'] === true) return 'FAILED_CONTINUE';
  if (ctx['failPipeline'] === undefined || ctx['failPipeline'] === null || ctx['failPipeline'] === true) return fallback;
  return 'STOPPED';
}

/**
 * A stage's status from its synthetic children and tasks (Orca's CompleteStageHandler rules).
 * `undefined` while something is still running.
 */
export function determineStageStatus(execution: Execution, stage: Stage): ExecutionStatus | undefined {
  const statuses: ExecutionStatus[] = [
    ...childrenOf(execution, stage).map((s) => s.status),
    ...stage.tasks.map((t) => t.status),
  ];
  if (stage.error?.source === 'planning' || stage.error?.source === 'expression') statuses.push(failureStatus(stage));
  if (statuses.length === 0) return 'SKIPPED';
  if (statuses.includes('TERMINAL')) return failureStatus(stage);
  if (statuses.includes('STOPPED')) return 'STOPPED';
  if (statuses.includes('CANCELED')) return 'CANCELED';
  if (statuses.includes('FAILED_CONTINUE')) return 'FAILED_CONTINUE';
  if (statuses.every((s) => s === 'SUCCEEDED' || s === 'SKIPPED')) return 'SUCCEEDED';
  return undefined;
}

function otherBranchesIncomplete(execution: Execution, stages: Stage[]): boolean {
  return stages.some(
    (s) =>
      s.status === 'RUNNING' ||
      s.status === 'PAUSED' ||
      (s.status === 'NOT_STARTED' && upstreamStages(execution, s).every((u) => letsDownstreamRun(u.status))),
  );
}

/**
 * The execution's final status from its top-level stages (Orca's CompleteExecutionHandler), or
 * `undefined` while other branches may still run.
 */
export function determineExecutionStatus(execution: Execution): ExecutionStatus | undefined {
  const stages = topLevelStages(execution);
  const statuses = stages.map((s) => s.status);
  if (statuses.every((s) => s === 'SUCCEEDED' || s === 'SKIPPED' || s === 'FAILED_CONTINUE')) return 'SUCCEEDED';
  if (statuses.includes('TERMINAL')) return 'TERMINAL';
  if (statuses.includes('CANCELED')) return 'CANCELED';
  if (statuses.includes('STOPPED') && !otherBranchesIncomplete(execution, stages)) {
    const overrideSuccess = stages.some(
      (s) => s.status === 'STOPPED' && s.context['completeOtherBranchesThenFail'] === true,
    );
    return overrideSuccess ? 'TERMINAL' : 'SUCCEEDED';
  }
  return undefined;
}

/** Whether a new execution must wait (BUFFERED) given how many of its pipeline are running. */
export function shouldBuffer(
  execution: Pick<Execution, 'pipelineConfigId' | 'limitConcurrent' | 'maxConcurrentExecutions'>,
  running: number,
): boolean {
  if (execution.pipelineConfigId === null) return false;
  if (execution.limitConcurrent) return running > 0;
  if (execution.maxConcurrentExecutions > 0) return running >= execution.maxConcurrentExecutions;
  return false;
}

/** How many more executions of a pipeline may start now. */
export function freeSlots(
  settings: Pick<Execution, 'limitConcurrent' | 'maxConcurrentExecutions'>,
  running: number,
): number {
  if (settings.limitConcurrent) return Math.max(0, 1 - running);
  if (settings.maxConcurrentExecutions > 0) return Math.max(0, settings.maxConcurrentExecutions - running);
  return Number.POSITIVE_INFINITY;
}
