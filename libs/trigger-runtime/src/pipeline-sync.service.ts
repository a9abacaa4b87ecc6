import { revealStageSecrets } from '@gennaker/auth-policy';
import { basename } from 'node:path';
import { errorMessage, GennakerError, isPlainObject } from '@gennaker/common';
import { PipelineConfigService, type StoredPipeline } from '@gennaker/configs';
import { PipelineConfigEntity } from '@gennaker/persistence';
import { DATA_SOURCE } from '@gennaker/runtime';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CronSchedulers } from './cron-schedulers.service';
import { SecretBox } from './secret-box.service';
import { TriggerIndex } from './trigger-index.service';

export interface PipelineFile {
  /** Path of the file (relative to the repository path, or as the CLI read it). */
  file: string;
  /** The file's text, or an already parsed document. */
  content: string | Record<string, unknown>;
}

export interface FileError {
  file: string;
  pointer: string;
  message: string;
}

export interface SyncResult {
  applied: boolean;
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: number;
  errors: FileError[];
}

export interface SyncSource {
  url: string;
  branch: string;
  path: string;
}

const IDENTITY = new Set(['id', 'version', 'updateTs', 'createTs', 'lastModifiedBy', 'managedBy', 'application', 'name']);

/**
 * Pipelines as code: applies a whole set of pipeline files to an application, all or nothing. Every
 * file is validated (application and name default from the application and the file name) before
 * any is applied; then, in one transaction, changed pipelines are saved as managed by the repository
 * and the repository's pipelines whose file is gone are deleted.
 */
@Injectable()
export class PipelineSyncService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(PipelineConfigService) private readonly pipelines: PipelineConfigService,
    @Inject(SecretBox) private readonly secrets: SecretBox,
    @Inject(CronSchedulers) private readonly cron: CronSchedulers,
    @Inject(TriggerIndex) private readonly index: TriggerIndex,
  ) {}

  /** Checks every file; returns the documents ready to save, or every error with its file and pointer. */
  prepare(application: string, files: PipelineFile[]): { documents: Array<{ file: string; doc: Record<string, unknown> }>; errors: FileError[] } {
    const errors: FileError[] = [];
    const documents: Array<{ file: string; doc: Record<string, unknown> }> = [];
    const names = new Map<string, string>();
    for (const f of files) {
      let doc: unknown = f.content;
      if (typeof f.content === 'string') {
        try {
          doc = JSON.parse(f.content);
        } catch (err) {
          errors.push({ file: f.file, pointer: '', message: `not valid JSON: ${errorMessage(err)}` });
          continue;
        }
      }
      if (!isPlainObject(doc)) {
        errors.push({ file: f.file, pointer: '', message: 'a pipeline file must hold one JSON object' });
        continue;
      }
      if (doc['application'] !== undefined && doc['application'] !== application) {
        errors.push({ file: f.file, pointer: '/application', message: `must be "${application}" (or left out): the files belong to that application` });
        continue;
      }
      const name = typeof doc['name'] === 'string' && doc['name'] !== '' ? doc['name'] : basename(f.file).replace(/\.json$/i, '');
      // Ids come from the database; a file names its pipeline by application and name only.
      const { id: _id, version: _version, ...rest } = doc;
      const full = { ...rest, application, name };
      try {
        this.pipelines.validate(full, { requireIdentity: true });
      } catch (err) {
        if (!(err instanceof GennakerError)) throw err;
        for (const d of err.details.length > 0 ? err.details : [{ pointer: '', message: err.message }]) errors.push({ file: f.file, pointer: d.pointer, message: d.message });
        continue;
      }
      const clash = names.get(name);
      if (clash) {
        errors.push({ file: f.file, pointer: '/name', message: `pipeline "${name}" is also defined in ${clash}` });
        continue;
      }
      names.set(name, f.file);
      documents.push({ file: f.file, doc: full });
    }
    return { documents, errors };
  }

  /**
   * Applies the files. With a source (a pipelines repository) the pipelines become managed by it and
   * those it managed that are no longer in the files are deleted; without one they are plain upserts.
   */
  async apply(application: string, files: PipelineFile[], source: SyncSource | null, user: string): Promise<SyncResult> {
    const result: SyncResult = { applied: false, created: [], updated: [], deleted: [], unchanged: 0, errors: [] };
    const { documents, errors } = this.prepare(application, files);
    if (errors.length > 0) return { ...result, errors };
    const changed: string[] = [];
    await this.ds.transaction(async (m) => {
      // Two syncs of one application never interleave.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('pipelines-sync:' || $1))`, [application]);
      const existing = await m.find(PipelineConfigEntity, { where: { application } });
      const byName = new Map(existing.map((r) => [r.name, r]));
      for (const { file, doc } of documents) {
        const name = doc['name'] as string;
        const current = byName.get(name);
        const managedBy = source ? { ...source, file } : null;
        if (current && sameManager(current.managedBy, managedBy) && this.sameDocument(current.config, doc)) {
          result.unchanged++;
          continue;
        }
        // A file always wins over the stored pipeline (the repository is the source of truth).
        const body = current ? { ...doc, id: current.id } : doc;
        const saved: { pipeline: StoredPipeline; created: boolean } = await this.pipelines.save(body, { user, manager: m, ...(managedBy ? { managedBy } : current?.managedBy ? { managedBy: null } : {}) });
        (saved.created ? result.created : result.updated).push(name);
        changed.push(saved.pipeline.id);
      }
      if (source) {
        const keep = new Set(documents.map((d) => d.doc['name'] as string));
        for (const row of existing) {
          if (keep.has(row.name) || !row.managedBy || !sameSource(row.managedBy, source)) continue;
          await this.pipelines.delete(row.id, { user, manager: m, managedBy: row.managedBy });
          result.deleted.push(row.name);
          changed.push(row.id);
        }
      }
    });
    this.index.invalidate();
    for (const id of changed) await this.cron.syncPipeline(id);
    return { ...result, applied: true };
  }

  /** Stored and incoming documents say the same (secrets compared in the clear). */
  private sameDocument(stored: Record<string, unknown>, incoming: Record<string, unknown>): boolean {
    const reveal = (doc: Record<string, unknown>): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(doc)) if (!IDENTITY.has(k)) out[k] = v;
      if (Array.isArray(out['triggers'])) {
        out['triggers'] = (out['triggers'] as unknown[]).map((t) => (isPlainObject(t) && t['secret'] !== undefined ? { ...t, secret: this.secrets.reveal(t['secret']) } : t));
      }
      // Stage secrets are stored encrypted too (security, issue 8).
      if (Array.isArray(out['stages'])) out['stages'] = revealStageSecrets(out['stages'], this.secrets);
      if (Array.isArray(out['notifications'])) out['notifications'] = revealStageSecrets(out['notifications'], this.secrets);
      return out;
    };
    let normalized: Record<string, unknown>;
    try {
      normalized = this.pipelines.validate(incoming, { requireIdentity: true }).pipeline as Record<string, unknown>;
    } catch {
      return false;
    }
    return canonical(reveal(stored)) === canonical(reveal(normalized));
  }
}

function sameSource(a: SyncSource, b: SyncSource): boolean {
  return a.url === b.url && a.branch === b.branch && a.path === b.path;
}

function sameManager(a: (SyncSource & { file: string }) | null, b: (SyncSource & { file: string }) | null): boolean {
  if (a === null || b === null) return a === b;
  return sameSource(a, b) && a.file === b.file;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isPlainObject(v)) return `{${Object.keys(v).filter((k) => v[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}
