import type { EngineEvent, Execution, ExecutionStatus, Stage } from '@gennaker/engine';
import { isComplete } from '@gennaker/engine';

/** One thing to count or time, derived from a committed step. Pure, so it is tested without a registry. */
export type EngineObservation =
  | { metric: 'executionsTotal'; labels: { application: string; status: ExecutionStatus } }
  | { metric: 'executionDuration'; labels: { application: string; status: ExecutionStatus }; seconds: number }
  | { metric: 'stagesTotal'; labels: { type: string; status: ExecutionStatus } }
  | { metric: 'stageDuration'; labels: { type: string; status: ExecutionStatus }; seconds: number }
  | { metric: 'taskDuration'; labels: { task: string; status: ExecutionStatus }; seconds: number }
  | { metric: 'canaryScore'; labels: { application: string; classification: string }; score: number };

/** The canary runtime's task that ends a canary run with `overallScore` / `overallResult` outputs. */
const CANARY_MONITOR_TASK = 'monitorCanaryAnalysis';

function seconds(start: number | null, end: number | null): number | null {
  return start !== null && end !== null && end >= start ? (end - start) / 1000 : null;
}

/**
 * What a committed step of an execution adds to the metrics: every execution status change is
 * counted; finished executions, stages and tasks are timed (a stage by its own type, so a deploy's
 * synthetic children are timed by theirs); a finished canary run gives its overall score.
 */
export function engineObservations(execution: Execution, events: readonly EngineEvent[]): EngineObservation[] {
  const out: EngineObservation[] = [];
  const stages = new Map<string, Stage>(execution.stages.map((s) => [s.id, s]));
  for (const e of events) {
    if (e.kind === 'execution') {
      const labels = { application: execution.application, status: e.status };
      out.push({ metric: 'executionsTotal', labels });
      if (isComplete(e.status)) {
        const s = seconds(execution.startTime, execution.endTime ?? e.time);
        if (s !== null) out.push({ metric: 'executionDuration', labels, seconds: s });
      }
      continue;
    }
    if (!isComplete(e.status) || !e.stageId) continue;
    const stage = stages.get(e.stageId);
    if (!stage) continue;
    if (e.kind === 'stage') {
      const labels = { type: stage.type, status: e.status };
      out.push({ metric: 'stagesTotal', labels });
      const s = seconds(stage.startTime, stage.endTime ?? e.time);
      if (s !== null) out.push({ metric: 'stageDuration', labels, seconds: s });
    } else {
      const task = stage.tasks.find((t) => t.id === e.taskId);
      if (!task) continue;
      const s = seconds(task.startTime, task.endTime ?? e.time);
      if (s !== null) out.push({ metric: 'taskDuration', labels: { task: task.type, status: e.status }, seconds: s });
      const score = stage.outputs['overallScore'];
      const result = stage.outputs['overallResult'];
      if (task.type === CANARY_MONITOR_TASK && typeof score === 'number' && typeof result === 'string') {
        out.push({ metric: 'canaryScore', labels: { application: execution.application, classification: result }, score });
      }
    }
  }
  return out;
}
