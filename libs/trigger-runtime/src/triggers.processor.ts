import { errorMessage } from '@gennaker/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { cronRepeatStrategy, type CronTickJob } from './cron-schedulers.service';
import type { RepoSyncJob } from './repo-sync-queue.service';
import { RepoSyncService } from './repo-sync.service';
import { TRIGGERS_QUEUE, TriggerJob } from './settings';
import { TriggerStarts } from './trigger-starts.service';

/** The tick a scheduler job stands for: BullMQ names them `repeat:<scheduler id>:<tick ms>`. */
export function tickOf(job: Pick<Job, 'id' | 'timestamp' | 'opts'>): number {
  const last = Number(String(job.id ?? '').split(':').pop());
  if (Number.isFinite(last) && last > 0) return last;
  return (job.opts as { prevMillis?: number }).prevMillis ?? job.timestamp;
}

/** Cron ticks and pipelines-repository syncs (workers only). Thin: parse the job, call one service. */
@Processor(TRIGGERS_QUEUE, { concurrency: 8, settings: { repeatStrategy: cronRepeatStrategy } })
export class TriggersProcessor extends WorkerHost {
  private readonly log = new Logger(TriggersProcessor.name);

  constructor(
    @Inject(TriggerStarts) private readonly starts: TriggerStarts,
    @Inject(RepoSyncService) private readonly repoSync: RepoSyncService,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case TriggerJob.CronTick:
        return this.starts.cronTick(job.data as CronTickJob, tickOf(job));
      case TriggerJob.RepoSync:
        return this.repoSync.run(job.data as RepoSyncJob, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
      default:
        this.log.error(`job ${job.name} has no handler`);
        throw new Error(`job ${job.name} has no handler: ${errorMessage(job.data)}`);
    }
  }
}
