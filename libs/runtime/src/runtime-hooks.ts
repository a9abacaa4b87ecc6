import type { EngineEvent, Execution } from '@gennaker/engine';
import type { Job } from 'bullmq';
import type { EngineJobData } from './queues';

/**
 * Observation points for operations (metrics, log context, traces, notifications), so the engine
 * needs no knowledge of them. Hooks must be cheap and must not throw; they are process-wide
 * (one api or worker per process).
 */
/** What hooks see of a job: a BullMQ job, or a message a worker handles right where it was written. */
export type HookJob = Pick<Job<EngineJobData>, 'id' | 'name' | 'queueName' | 'data' | 'timestamp' | 'delay' | 'processedOn'>;

export interface RuntimeHooks {
  /** Around the handling of every queue job in a worker (log and trace context, queue metrics). */
  aroundJob?(job: HookJob, handle: () => Promise<void>): Promise<void>;
  /** Extra fields written into each outgoing message's payload (e.g. the trace context). */
  messageFields?(): Record<string, string> | undefined;
  /** After each commit that changed statuses, in the process that committed it. */
  committed?(execution: Execution, events: EngineEvent[]): void;
}

const hooks: RuntimeHooks[] = [];

/** Registers hooks; returns a function that removes them (tests). */
export function addRuntimeHooks(h: RuntimeHooks): () => void {
  hooks.push(h);
  return () => {
    const i = hooks.indexOf(h);
    if (i >= 0) hooks.splice(i, 1);
  };
}

export function runJobWithHooks(job: HookJob, handle: () => Promise<void>): Promise<void> {
  let run = handle;
  for (const h of hooks) {
    const around = h.aroundJob;
    if (!around) continue;
    const inner = run;
    run = () => around.call(h, job, inner);
  }
  return run();
}

export function hookMessageFields(): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const h of hooks) {
    const f = h.messageFields?.();
    if (f) out = { ...out, ...f };
  }
  return out;
}

export function notifyCommitted(execution: Execution, events: EngineEvent[]): void {
  if (events.length === 0) return;
  for (const h of hooks) {
    try {
      h.committed?.(execution, events);
    } catch {
      // An observer's bug must never fail an engine step.
    }
  }
}
