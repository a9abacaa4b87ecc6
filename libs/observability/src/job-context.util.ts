import type { EngineMessage } from '@gennaker/engine';

/** The fields that identify what an engine job is about, for log lines and span attributes. */
export function jobFields(job: { id?: string; queueName: string; data: { message?: EngineMessage } }): Record<string, string> {
  const m = job.data.message;
  const out: Record<string, string> = { queue: job.queueName };
  if (job.id) out['jobId'] = job.id;
  if (!m) return out;
  out['messageType'] = m.type;
  if (m.executionId) out['executionId'] = m.executionId;
  if ('stageId' in m && m.stageId) out['stageId'] = m.stageId;
  if ('taskId' in m && m.taskId) out['taskId'] = m.taskId;
  if (m.type === 'StartWaitingExecutions') out['pipelineConfigId'] = m.pipelineConfigId;
  return out;
}

/** Seconds a job waited past its due time (its delay) before a worker took it. */
export function queueWaitSeconds(job: { timestamp: number; delay?: number; processedOn?: number }, now: number): number {
  const due = job.timestamp + (job.delay ?? 0);
  return Math.max(0, ((job.processedOn ?? now) - due) / 1000);
}
