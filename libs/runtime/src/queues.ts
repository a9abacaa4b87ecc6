import type { EngineMessage, QueueName } from '@gennaker/engine';
import type { JobsOptions } from 'bullmq';

/** Every queue; job names are the engine message types. */
export const QUEUES: readonly QueueName[] = ['engine', 'tasks', 'cloud', 'canary'] as const;

export interface EngineJobData {
  /** The outbox row this job delivers; handling deletes it. */
  outboxId: string;
  message: EngineMessage;
}

/** Job options are made here only: the outbox id is the job id, so a message is queued once. */
export function jobOptions(outboxId: string, delayMs: number): JobsOptions {
  return {
    jobId: outboxId,
    delay: Math.max(0, Math.round(delayMs)),
    // Handler failures (a database blink) are retried by BullMQ; the outbox row survives them.
    attempts: 8,
    backoff: { type: 'exponential', delay: 500 },
    // Redis keeps queues, not history: Postgres is the record.
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600, count: 1000 },
  };
}
