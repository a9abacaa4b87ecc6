import { errorMessage } from '@gennaker/common';
import { ApplicationEntity } from '@gennaker/persistence';
import { DATA_SOURCE } from '@gennaker/runtime';
import { TriggerDeliveryRepository, type DeliverySync } from '@gennaker/trigger-store';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { GitFetcher } from './git-fetcher.service';
import { PipelineSyncService } from './pipeline-sync.service';
import type { RepoSyncJob } from './repo-sync-queue.service';
import { TRIGGER_DELIVERIES } from './tokens';

/** Runs a queued pipelines-repository sync (in a worker) and writes its outcome into the delivery log. */
@Injectable()
export class RepoSyncService {
  private readonly log = new Logger(RepoSyncService.name);

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(GitFetcher) private readonly git: GitFetcher,
    @Inject(PipelineSyncService) private readonly sync: PipelineSyncService,
    @Inject(TRIGGER_DELIVERIES) private readonly deliveries: TriggerDeliveryRepository,
  ) {}

  /** `final`: the last attempt, so a git failure is recorded as the outcome instead of retried. */
  async run(job: RepoSyncJob, final: boolean): Promise<DeliverySync> {
    const app = await this.ds.manager.findOne(ApplicationEntity, { where: { name: job.application } });
    if (!app?.pipelinesRepo) {
      // Deleted, or its repository unset, since the sync was asked for: say so in the log.
      const gone: DeliverySync = { application: job.application, url: '', branch: '', path: '', status: 'failed', message: `application ${job.application} ${app ? 'has no pipelinesRepo any more' : 'no longer exists'}`, finishedAt: new Date().toISOString() };
      await this.deliveries.setSync(job.deliveryRowId, gone);
      return gone;
    }
    const repo = app.pipelinesRepo;
    const base: DeliverySync = { application: app.name, url: repo.url, branch: repo.branch, path: repo.path, status: 'pending' };
    let outcome: DeliverySync;
    try {
      const fetched = await this.git.fetch(repo.url, repo.branch, repo.path);
      const r = await this.sync.apply(app.name, fetched.files, repo, `git:${fetched.commit.slice(0, 12)}`);
      outcome = {
        ...base,
        status: r.applied ? 'applied' : 'failed',
        commit: fetched.commit,
        created: r.created,
        updated: r.updated,
        deleted: r.deleted,
        unchanged: r.unchanged,
        errors: r.errors,
        message: r.applied ? `${fetched.files.length} file(s) in sync` : `nothing applied: ${r.errors.length} problem(s) in ${new Set(r.errors.map((e) => e.file)).size} file(s)`,
      };
    } catch (err) {
      if (!final) throw err;
      outcome = { ...base, status: 'failed', message: errorMessage(err) };
    }
    outcome.finishedAt = new Date().toISOString();
    await this.deliveries.setSync(job.deliveryRowId, outcome);
    if (outcome.status === 'failed') this.log.warn(`sync of ${app.name} from ${repo.url}: ${outcome.message ?? 'failed'}`);
    return outcome;
  }
}
