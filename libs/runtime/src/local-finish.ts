import type { EngineMessage, Execution } from '@gennaker/engine';
import type { StoredOutboxMessage } from '@gennaker/persistence';
import { runJobWithHooks, type HookJob } from './runtime-hooks';

export interface LocalFinishDeps {
  listeners: ReadonlyArray<(execution: Execution) => Promise<void>>;
  /** Deletes the message's outbox row (it is handled). */
  take(id: string): Promise<unknown>;
  /** Hands the message to BullMQ instead, whose retries take over. */
  requeue(message: StoredOutboxMessage): Promise<void>;
}

/**
 * A worker handles the "finished" message of an execution it has just finished itself, with the
 * execution in hand: no job and no reload. The row was stored as dispatched, so when the process
 * dies first the repair sweep re-sends it as a job; when a listener fails it goes to the queue
 * now. Runs inside the job hooks, so logs, metrics and traces see it as they see a job.
 */
export async function finishHere(message: StoredOutboxMessage, execution: Execution, deps: LocalFinishDeps): Promise<'handled' | 'requeued'> {
  const now = Date.now();
  const job: HookJob = {
    id: message.id,
    name: message.type,
    queueName: message.queue,
    data: { outboxId: message.id, message: message.payload as unknown as EngineMessage },
    timestamp: now,
    delay: 0,
    processedOn: now,
  };
  try {
    await runJobWithHooks(job, async () => {
      await Promise.all(deps.listeners.map((l) => l(execution)));
      await deps.take(message.id);
    });
    return 'handled';
  } catch {
    await deps.requeue(message);
    return 'requeued';
  }
}

/** The finished messages of `execution` that a worker handles itself (see finishHere). */
export function finishedHere(stored: StoredOutboxMessage[], execution: Execution, now: number): StoredOutboxMessage[] {
  return stored.filter((m) => m.type === 'ExecutionFinished' && m.inserted && m.executionId === execution.id && m.deliverAt <= now);
}
