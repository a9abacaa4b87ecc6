import { redactForApi } from '@gennaker/auth';
import type { Execution, Stage } from '@gennaker/engine';
import type { ExecutionSummary } from '@gennaker/persistence';

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function stageView(s: Stage) {
  return {
    id: s.id,
    refId: s.refId,
    type: s.type,
    name: s.name,
    status: s.status,
    requisiteStageRefIds: s.requisiteStageRefIds,
    parentStageId: s.parentStageId,
    syntheticStageOwner: s.syntheticStageOwner,
    // Secrets (a webhook's Authorization header, passwords, tokens) never leave in contexts or outputs.
    context: redactForApi(s.context),
    outputs: redactForApi(s.outputs),
    startTime: iso(s.startTime),
    endTime: iso(s.endTime),
    tasks: s.tasks.map((t) => ({
      id: t.id,
      name: t.name,
      status: t.status,
      startTime: iso(t.startTime),
      endTime: iso(t.endTime),
      ...(t.lastError ? { lastError: t.lastError, attempts: t.attempts } : {}),
    })),
    ...(s.error ? { error: { ...redactForApi(s.error), time: iso(s.error.time) } } : {}),
    ...(s.lastModified ? { lastModified: { user: s.lastModified.user, time: iso(s.lastModified.time) } } : {}),
  };
}

/** The fields every execution view shares (the detail adds stages with contexts, the list stage statuses). */
function executionHead(e: Omit<ExecutionSummary, 'stages'>) {
  return {
    id: e.id,
    type: e.type,
    application: e.application,
    pipelineId: e.pipelineConfigId,
    name: e.name,
    status: e.status,
    trigger: redactForApi(e.trigger),
    buildTime: iso(e.buildTime),
    startTime: iso(e.startTime),
    endTime: iso(e.endTime),
    canceled: e.canceled,
  };
}

export function executionView(e: Execution) {
  return {
    ...executionHead(e),
    canceledBy: e.canceledBy,
    cancellationReason: e.cancellationReason,
    paused: e.paused ? { ...e.paused, pauseTime: iso(e.paused.pauseTime), resumeTime: iso(e.paused.resumeTime) } : null,
    parentExecutionId: e.parentExecutionId,
    limitConcurrent: e.limitConcurrent,
    keepWaitingPipelines: e.keepWaitingPipelines,
    stages: [...e.stages].sort((a, b) => a.seq - b.seq).map(stageView),
  };
}

export function executionSummaryView(e: ExecutionSummary) {
  return {
    ...executionHead(e),
    stages: e.stages.map((s) => ({ ...s, startTime: iso(s.startTime), endTime: iso(s.endTime) })),
  };
}
