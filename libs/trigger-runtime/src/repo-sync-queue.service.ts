import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { TRIGGERS_QUEUE, TriggerJob } from './settings';

export interface RepoSyncJob {
  application: string;
  /** The delivery log row that records the outcome. */
  deliveryRowId: string;
  hash: string | null;
}

/** Queues a pipelines-repository sync for a worker (job options made here only). */
@Injectable()
export class RepoSyncQueue {
  constructor(@Inject(getQueueToken(TRIGGERS_QUEUE)) private readonly queue: Queue) {}

  async enqueue(job: RepoSyncJob): Promise<void> {
    await this.queue.add(TriggerJob.RepoSync, job, {
      // One sync per delivery, whatever retries the host or the proxy make.
      jobId: `sync:${job.application}:${job.deliveryRowId}`,
      attempts: 3,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: true,
      removeOnFail: { age: 24 * 3600, count: 1000 },
    });
  }
}
