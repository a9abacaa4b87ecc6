import { randomUUID } from 'node:crypto';
import { InputError, NotFoundError } from '@gennaker/common';
import { ApplicationEntity } from '@gennaker/persistence';
import { DATA_SOURCE } from '@gennaker/runtime';
import { TriggerDeliveryRepository, type DeliverySync } from '@gennaker/trigger-store';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PipelineSyncService, type PipelineFile, type SyncResult } from './pipeline-sync.service';
import { RepoSyncQueue } from './repo-sync-queue.service';
import { TRIGGER_DELIVERIES } from './tokens';

/** Syncs asked for through the API: files sent by `gennaker sync <dir>`, or "fetch the repository now". */
@Injectable()
export class SyncRequests {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(TRIGGER_DELIVERIES) private readonly deliveries: TriggerDeliveryRepository,
    @Inject(PipelineSyncService) private readonly sync: PipelineSyncService,
    @Inject(RepoSyncQueue) private readonly queue: RepoSyncQueue,
  ) {}

  private async app(name: string): Promise<ApplicationEntity> {
    const a = await this.ds.manager.findOne(ApplicationEntity, { where: { name } });
    if (!a) throw new NotFoundError(`application "${name}" not found`);
    return a;
  }

  /**
   * Applies a folder of pipeline files all or nothing. When the application has a pipelines
   * repository the folder stands for it: the pipelines become managed by it, and those it managed
   * that are missing from the folder are deleted. 400 names each bad file by pointer.
   */
  async applyFiles(application: string, body: unknown, user: string): Promise<SyncResult & { deliveryId: string }> {
    const app = await this.app(application);
    const files = parseFiles(body);
    const repo = app.pipelinesRepo;
    const result = await this.sync.apply(app.name, files, repo, user);
    const sync: DeliverySync = {
      application: app.name,
      url: repo?.url ?? '(files sent to the API)',
      branch: repo?.branch ?? '',
      path: repo?.path ?? '',
      status: result.applied ? 'applied' : 'failed',
      created: result.created,
      updated: result.updated,
      deleted: result.deleted,
      unchanged: result.unchanged,
      errors: result.errors,
      message: `sync of ${files.length} file(s) by ${user}`,
      finishedAt: new Date().toISOString(),
    };
    const deliveryId = randomUUID();
    await this.deliveries.insertRefused({ provider: 'api', deliveryId, accepted: false, signature: 'not-required', event: 'sync', repository: repo?.url ?? null, branch: repo?.branch ?? null, hash: null, applications: [app.name], started: [], skipped: [], sync, message: sync.message ?? null });
    if (!result.applied) {
      const index = new Map(files.map((f, i) => [f.file, i]));
      throw new InputError(
        `nothing applied: ${result.errors.length} problem(s) in ${new Set(result.errors.map((e) => e.file)).size} file(s)`,
        result.errors.map((e) => ({ pointer: `/files/${index.get(e.file) ?? 0}/content${e.pointer}`, message: `${e.file}${e.pointer ? ` at ${e.pointer}` : ''}: ${e.message}` })),
      );
    }
    return { ...result, deliveryId };
  }

  /** Queues a fetch of the application's pipelines repository; the outcome lands in the delivery log. */
  async fetchNow(application: string, user: string): Promise<{ deliveryId: string; id: string }> {
    const app = await this.app(application);
    const repo = app.pipelinesRepo;
    if (!repo) throw new InputError(`application ${app.name} has no pipelinesRepo`, [{ pointer: '/pipelinesRepo', message: 'set {url, branch, path} on the application first' }]);
    const deliveryId = randomUUID();
    const row = await this.deliveries.insertRefused({
      provider: 'api', deliveryId, accepted: false, signature: 'not-required', event: 'sync', repository: repo.url, branch: repo.branch, hash: null,
      applications: [app.name], started: [], skipped: [], sync: { application: app.name, url: repo.url, branch: repo.branch, path: repo.path, status: 'pending' }, message: `sync asked by ${user}`,
    });
    await this.queue.enqueue({ application: app.name, deliveryRowId: row.id, hash: null });
    return { deliveryId, id: row.id };
  }
}

function parseFiles(body: unknown): PipelineFile[] {
  const files = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)['files'] : undefined;
  if (!Array.isArray(files)) throw new InputError('files must be a list of {file, content}', [{ pointer: '/files', message: 'must be a list' }]);
  return files.map((f, i) => {
    const o = typeof f === 'object' && f !== null ? (f as Record<string, unknown>) : {};
    if (typeof o['file'] !== 'string' || o['file'] === '') throw new InputError('each file needs its path', [{ pointer: `/files/${i}/file`, message: 'required' }]);
    const content = o['content'];
    if (typeof content !== 'string' && (typeof content !== 'object' || content === null || Array.isArray(content))) {
      throw new InputError('each file needs its content (text or a JSON object)', [{ pointer: `/files/${i}/content`, message: 'must be the file text or a JSON object' }]);
    }
    return { file: o['file'], content: content as string | Record<string, unknown> };
  });
}
