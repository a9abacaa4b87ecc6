import { errorMessage } from '@gennaker/common';
import { addRuntimeHooks, EngineService } from '@gennaker/runtime';
import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { planFinalNotifications, planNotifications, type PlannedNotification } from './domain';
import type { NotificationSettings } from './notification-settings';
import { NOTIFICATION_SETTINGS, NOTIFICATIONS_QUEUE } from './tokens';

/**
 * Turns engine steps into queued notifications, never blocking the engine: after each commit (in
 * api and worker alike) the pure planner says what to send and the jobs are added without being
 * awaited by the engine. When an execution finishes, its final notifications are planned again
 * from its state through the engine's at-least-once finish listener; equal keys make equal job
 * ids, so BullMQ keeps one.
 */
@Injectable()
export class NotificationDispatch implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('notifications');
  private remove: (() => void) | null = null;

  constructor(
    @Inject(getQueueToken(NOTIFICATIONS_QUEUE)) private readonly queue: Queue,
    @Inject(EngineService) private readonly engine: EngineService,
    @Inject(NOTIFICATION_SETTINGS) private readonly settings: NotificationSettings,
  ) {}

  onModuleInit(): void {
    const options = { publicUrl: this.settings.publicUrl };
    this.remove = addRuntimeHooks({
      committed: (execution, events) => {
        const planned = planNotifications(execution, events, options);
        if (planned.length > 0) {
          this.enqueue(planned).catch((err: unknown) => this.log.warn(`could not queue ${planned.length} notification(s) of execution ${execution.id}: ${errorMessage(err)}`));
        }
      },
    });
    // Throws when queueing fails, so the engine calls it again (that is its retry).
    this.engine.onExecutionFinished((execution) => this.enqueue(planFinalNotifications(execution, Date.now(), options)));
  }

  onModuleDestroy(): void {
    this.remove?.();
  }

  async enqueue(planned: PlannedNotification[]): Promise<void> {
    if (planned.length === 0) return;
    await this.queue.addBulk(planned.map((n) => ({ name: n.type, data: n, opts: this.jobOptions(n) })));
  }

  private jobOptions(n: PlannedNotification): JobsOptions {
    return {
      jobId: n.key,
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: 2000 },
      // Kept a day after success so a second planning of the same key is recognised and dropped.
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }
}
