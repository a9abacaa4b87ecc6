import { gennakerMetrics, metricsRegistry } from '@gennaker/observability';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import type { PlannedNotification } from './domain';
import { NotificationSenders } from './notification-senders.service';
import { readNotificationSettings } from './notification-settings';
import { NOTIFICATIONS_QUEUE } from './tokens';

const settings = readNotificationSettings();

/** Delivers queued notifications in workers (thin: the senders decide and classify failures). */
@Processor(NOTIFICATIONS_QUEUE, { concurrency: settings.concurrency })
export class NotificationsProcessor extends WorkerHost {
  private readonly log = new Logger('notifications');
  private readonly metrics = gennakerMetrics(metricsRegistry()).notifications;

  constructor(@Inject(NotificationSenders) private readonly senders: NotificationSenders) {
    super();
  }

  async process(job: Job<PlannedNotification>): Promise<void> {
    const n = job.data;
    try {
      await this.senders.send(n);
      this.metrics.inc({ type: n.type, outcome: 'sent' });
      this.log.log(`sent ${n.type} notification ${n.event} of execution ${n.executionId}${n.stage ? ` stage ${n.stage.name}` : ''}`);
    } catch (err) {
      const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.metrics.inc({ type: n.type, outcome: last ? 'failed' : 'retried' });
      this.log.warn(`${n.type} notification ${n.event} of execution ${n.executionId} ${last ? 'failed for good' : 'failed, will retry'}: ${(err as Error).message}`);
      throw err;
    }
  }
}
