import { Coalescer } from '@gennaker/common';
import type { EngineMessage, QueueName } from '@gennaker/engine';
import { OutboxRepository, type OutboxMessage, type StoredOutboxMessage } from '@gennaker/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { jobOptions, type EngineJobData } from './queues';
import { OUTBOX_REPOSITORY } from './tokens';

/**
 * Hands outbox rows to BullMQ after their transaction committed. When Redis cannot take them the
 * rows are marked undispatched and the relay retries; nothing is lost either way.
 */
@Injectable()
export class OutboxDispatcher {
  private readonly log = new Logger(OutboxDispatcher.name);
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @Inject(OUTBOX_REPOSITORY) private readonly outbox: OutboxRepository,
    @Inject(getQueueToken('engine')) engine: Queue,
    @Inject(getQueueToken('tasks')) tasks: Queue,
    @Inject(getQueueToken('cloud')) cloud: Queue,
    @Inject(getQueueToken('canary')) canary: Queue,
  ) {
    this.queues = { engine, tasks, cloud, canary };
  }

  queue(name: string): Queue {
    return this.queues[(name in this.queues ? name : 'engine') as QueueName];
  }

  allQueues(): Queue[] {
    return Object.values(this.queues);
  }

  /** Queues stored messages; those of steps committing at the same moment go to BullMQ together. */
  async dispatch(messages: Array<StoredOutboxMessage | OutboxMessage>): Promise<void> {
    if (messages.length === 0) return;
    await this.dispatches.submit(messages);
  }

  private readonly dispatches = new Coalescer<Array<StoredOutboxMessage | OutboxMessage>, void>((lists) => this.dispatchNow(lists.flat()));

  private async dispatchNow(messages: Array<StoredOutboxMessage | OutboxMessage>): Promise<void> {
    const now = Date.now();
    const failed: string[] = [];
    const byQueue = new Map<string, Array<StoredOutboxMessage | OutboxMessage>>();
    for (const m of messages) {
      const list = byQueue.get(m.queue) ?? [];
      list.push(m);
      byQueue.set(m.queue, list);
    }
    await Promise.all(
      [...byQueue.entries()].map(async ([queueName, list]) => {
        const queue = this.queue(queueName);
        const fresh = list.filter((m) => !('inserted' in m) || m.inserted);
        const merged = list.filter((m) => 'inserted' in m && !m.inserted);
        try {
          const jobs = fresh.map((m) => ({
            name: m.type,
            data: { outboxId: m.id, message: m.payload as unknown as EngineMessage } satisfies EngineJobData,
            opts: jobOptions(m.id, m.deliverAt - now),
          }));
          // One job alone skips addBulk's ioredis pipeline, whose construction (a property per
          // BullMQ script) cost more than the job itself.
          const [only] = jobs;
          if (jobs.length === 1 && only) await queue.add(only.name, only.data, only.opts);
          else if (jobs.length > 1) await queue.addBulk(jobs);
          // A pending message asked for sooner: move its delayed job.
          for (const m of merged) await this.reschedule(queue, m.id, m.deliverAt - now);
        } catch (err) {
          this.log.warn(`could not queue ${fresh.length} message(s) on ${queueName}: ${String(err)}; the relay will retry`);
          failed.push(...fresh.map((m) => m.id));
        }
      }),
    );
    if (failed.length > 0) await this.outbox.markUndispatched(failed).catch(() => undefined);
  }

  /** Re-sends a message whose job may be gone (Redis flushed or a job failed for good). */
  async redeliver(m: OutboxMessage): Promise<'present' | 'handled' | 'requeued'> {
    const queue = this.queue(m.queue);
    const job = await queue.getJob(m.id);
    // A job is removed only after its handler committed (and deleted the row): a job gone with its
    // row gone was handled between our read of the row and now; re-sending it would run it twice.
    if (!job && !(await this.outbox.exists(m.id))) return 'handled';
    if (job) {
      const state = await job.getState();
      if (state === 'failed') {
        await job.retry('failed');
        return 'requeued';
      }
      if (state === 'completed' || state === 'unknown') {
        if (!(await this.outbox.exists(m.id))) return 'handled';
        await job.remove().catch(() => undefined);
      } else return 'present';
    }
    await queue.add(m.type, { outboxId: m.id, message: m.payload as unknown as EngineMessage } satisfies EngineJobData, jobOptions(m.id, m.deliverAt - Date.now()));
    return 'requeued';
  }

  private async reschedule(queue: Queue, jobId: string, delayMs: number): Promise<void> {
    const job = await queue.getJob(jobId);
    if (!job) return; // running now: its handler sees the `woken` flag
    if ((await job.getState()) !== 'delayed') return;
    if (delayMs <= 0) await job.promote().catch(() => undefined);
    else await job.changeDelay(delayMs).catch(() => undefined);
  }

  /** Best effort: drops queued jobs of messages that were deleted (a finished execution's polls). */
  async remove(ids: Array<{ id: string; queue: string }>): Promise<void> {
    await Promise.all(ids.map(({ id, queue }) => this.queue(queue).remove(id).catch(() => 0)));
  }
}
