import { randomUUID } from 'node:crypto';
import { cloneJson, ConflictError, InputError, isPlainObject, NotFoundError, type ErrorDetail } from '@gennaker/common';
import type { StageRegistry } from '@gennaker/engine';
import type { ApplicationRepository, PipelineConfigEntity, PipelineConfigRepository, PipelineRevisionEntity } from '@gennaker/persistence';
import { compilePipelineValidator, pipelineJsonSchema, validatePipeline, type PipelineConfig, type StageTypeInfo } from '@gennaker/pipeline';
import { APPLICATION_REPOSITORY, DATA_SOURCE, PIPELINE_CONFIG_REPOSITORY, STAGE_REGISTRY } from '@gennaker/runtime';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { stageTypesOf } from './stage-types.util';

/** A stored pipeline as the API returns it: the document plus its identity and version. */
export type StoredPipeline = PipelineConfig & {
  id: string;
  version: number;
  updateTs: string;
  createTs: string;
  lastModifiedBy: string | null;
  managedBy?: { url: string; branch: string; path: string; file: string } | null;
};

export interface PipelineRevisionView {
  version: number;
  action: string;
  author: string | null;
  createdAt: string;
  pipeline: Record<string, unknown>;
}

export interface SaveOptions {
  user?: string;
  /** What the revision records (default: create or update). */
  action?: 'restore';
  /** Set by the pipelines-as-code sync: the one writer allowed for repo-managed pipelines. */
  managedBy?: { url: string; branch: string; path: string; file: string } | null;
  manager?: EntityManager;
}

/**
 * Extension points for triggers (issue 6): extra validation, a rewrite of the document before it is
 * stored (trigger secrets are encrypted there) and a call after a change committed (cron schedulers).
 */
export interface PipelineConfigHooks {
  validate?(pipeline: PipelineConfig): ErrorDetail[];
  beforeStore?(document: Record<string, unknown>, previous: Record<string, unknown> | null): Record<string, unknown>;
  /** Called after commit when this service ran the transaction; a caller-provided manager calls it itself. */
  afterChange?(change: { id: string; row: PipelineConfigEntity | null }): void | Promise<void>;
}

/** What the API shows instead of a trigger's secret: secrets never leave. */
export const SECRET_MASK = '********';

function maskSecrets(config: Record<string, unknown>): Record<string, unknown> {
  const triggers = config['triggers'];
  if (!Array.isArray(triggers) || !triggers.some((t) => isPlainObject(t) && t['secret'] !== undefined && t['secret'] !== null && t['secret'] !== '')) return config;
  return { ...config, triggers: triggers.map((t) => (isPlainObject(t) && t['secret'] !== undefined && t['secret'] !== null && t['secret'] !== '' ? { ...t, secret: SECRET_MASK } : t)) };
}

/** Keys kept in columns, not in the stored document. */
const IDENTITY_KEYS = ['id', 'version', 'updateTs', 'createTs', 'lastModifiedBy', 'managedBy'];

export function toStoredPipeline(row: PipelineConfigEntity): StoredPipeline {
  return {
    ...(maskSecrets(row.config) as unknown as PipelineConfig),
    application: row.application,
    name: row.name,
    id: row.id,
    version: row.version,
    disabled: row.disabled,
    updateTs: row.updatedAt.toISOString(),
    createTs: row.createdAt.toISOString(),
    lastModifiedBy: row.updatedBy,
    managedBy: row.managedBy,
  };
}

/**
 * Pipeline configs (Front50): validated against the registry's stage schemas, saved with an
 * optimistic version and a revision per change.
 */
@Injectable()
export class PipelineConfigService {
  private readonly stageTypes: StageTypeInfo[];
  private readonly schema: Record<string, unknown>;
  private readonly hooks: PipelineConfigHooks[] = [];

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(PIPELINE_CONFIG_REPOSITORY) private readonly pipelines: PipelineConfigRepository,
    @Inject(APPLICATION_REPOSITORY) private readonly apps: ApplicationRepository,
    @Inject(STAGE_REGISTRY) private readonly registry: StageRegistry,
  ) {
    this.stageTypes = stageTypesOf(registry);
    // Compile once at start-up: a stage's broken context schema fails the boot, not a request.
    compilePipelineValidator(this.stageTypes);
    this.schema = pipelineJsonSchema(this.stageTypes);
  }

  registerHooks(hooks: PipelineConfigHooks): void {
    this.hooks.push(hooks);
  }

  private async changed(id: string, row: PipelineConfigEntity | null): Promise<void> {
    for (const h of this.hooks) await h.afterChange?.({ id, row });
  }

  jsonSchema(): Record<string, unknown> {
    return this.schema;
  }

  types(): StageTypeInfo[] {
    return this.stageTypes;
  }

  /** Validates without storing. Application and name may be absent (a file in a repository). */
  validate(body: unknown, options: { requireIdentity?: boolean } = {}): { valid: true; pipeline: PipelineConfig } {
    const result = validatePipeline(body, { stageTypes: this.stageTypes, requireIdentity: options.requireIdentity ?? false });
    if (!result.valid) throw new InputError('the pipeline is invalid', result.errors);
    const semantic = this.semanticErrors(result.pipeline as PipelineConfig);
    if (semantic.length > 0) throw new InputError('the pipeline is invalid', semantic);
    return { valid: true, pipeline: result.pipeline as PipelineConfig };
  }

  /** Checks each stage type's own rules (beyond its schema), with pointers into the document. */
  private semanticErrors(p: PipelineConfig): ErrorDetail[] {
    const errors: ErrorDetail[] = [];
    p.stages.forEach((stage, i) => {
      const def = this.registry.definition(stage.type);
      for (const e of def?.validate?.(stage) ?? []) errors.push({ pointer: `/stages/${i}${e.pointer}`, message: e.message });
    });
    for (const h of this.hooks) errors.push(...(h.validate?.(p) ?? []));
    return errors;
  }

  async save(body: unknown, options: SaveOptions = {}): Promise<{ pipeline: StoredPipeline; created: boolean }> {
    const result = validatePipeline(body, { stageTypes: this.stageTypes, requireIdentity: true });
    if (!result.valid) throw new InputError('the pipeline is invalid', result.errors);
    const pipeline = result.pipeline as PipelineConfig;
    const semantic = this.semanticErrors(pipeline);
    if (semantic.length > 0) throw new InputError('the pipeline is invalid', semantic);
    const raw = body as Record<string, unknown>;
    const expectedVersion = raw['version'];
    if (expectedVersion !== undefined && (typeof expectedVersion !== 'number' || !Number.isInteger(expectedVersion) || expectedVersion < 1)) {
      throw new InputError('version must be the positive integer you read', [{ pointer: '/version', message: 'must be a positive integer' }]);
    }
    const run = async (m: EntityManager) => {
      if (!(await this.apps.byName(pipeline.application, m))) {
        throw new InputError(`application "${pipeline.application}" does not exist; create it first (POST /api/v1/applications)`, [
          { pointer: '/application', message: 'no such application' },
        ]);
      }
      const id = typeof raw['id'] === 'string' && raw['id'] !== '' ? raw['id'] : undefined;
      let existing = id ? await this.pipelines.byId(id, m) : await this.pipelines.byName(pipeline.application, pipeline.name, m);
      if (id && !existing) existing = null;
      let document = storedDocument(pipeline);
      for (const h of this.hooks) document = h.beforeStore?.(document, existing?.config ?? null) ?? document;
      const user = options.user ?? null;
      if (existing) {
        this.refuseManaged(existing, options);
        if (existing.application !== pipeline.application) {
          throw new ConflictError(`pipeline ${existing.id} belongs to ${existing.application}; it cannot move to ${pipeline.application}`, [{ pointer: '/application', message: 'cannot change' }]);
        }
        if (typeof expectedVersion === 'number' && expectedVersion !== existing.version) {
          throw new ConflictError(
            `pipeline "${existing.name}" was changed by ${existing.updatedBy ?? 'someone'} since version ${expectedVersion}; it is at version ${existing.version}. Reload it and apply your change again.`,
            [{ pointer: '/version', message: `is ${existing.version} now` }],
          );
        }
        const clash = existing.name !== pipeline.name ? await this.pipelines.byName(pipeline.application, pipeline.name, m) : null;
        if (clash) throw new ConflictError(`a pipeline named "${pipeline.name}" already exists in ${pipeline.application}`, [{ pointer: '/name', message: 'already taken' }]);
        const updated = await this.pipelines.update(m, existing.id, existing.version, {
          name: pipeline.name,
          config: document,
          disabled: pipeline.disabled === true,
          managedBy: options.managedBy !== undefined ? options.managedBy : existing.managedBy,
          updatedBy: user,
        });
        if (!updated) throw new ConflictError(`pipeline "${pipeline.name}" changed while saving; reload it and try again`, [{ pointer: '/version', message: 'changed concurrently' }]);
        await this.pipelines.addRevision(m, { pipelineId: updated.id, version: updated.version, action: options.managedBy ? 'sync' : (options.action ?? 'update'), config: document, author: user });
        return { pipeline: toStoredPipeline(updated), created: false };
      }
      if (typeof expectedVersion === 'number' && expectedVersion !== 1 && id) {
        throw new ConflictError(`pipeline ${id} no longer exists (it was deleted); save it without a version to create it again`, [{ pointer: '/version', message: 'pipeline not found' }]);
      }
      const newId = id ?? randomUUID();
      const version = (await this.pipelines.maxRevision(m, newId)) + 1;
      const row = await this.pipelines.insert(m, {
        id: newId,
        application: pipeline.application,
        name: pipeline.name,
        version,
        config: document,
        disabled: pipeline.disabled === true,
        managedBy: options.managedBy ?? null,
        updatedBy: user,
      });
      await this.pipelines.addRevision(m, { pipelineId: newId, version, action: options.managedBy ? 'sync' : 'create', config: document, author: user });
      return { pipeline: toStoredPipeline(row), created: true };
    };
    try {
      if (options.manager) return await run(options.manager);
      const saved = await this.ds.transaction(run);
      await this.changed(saved.pipeline.id, await this.pipelines.byId(saved.pipeline.id));
      return saved;
    } catch (err) {
      // Two creators racing on one name: the unique index answers; say it as a conflict.
      if (isUniqueViolation(err)) throw new ConflictError(`a pipeline named "${pipeline.name}" already exists in ${pipeline.application}`, [{ pointer: '/name', message: 'already taken' }]);
      throw err;
    }
  }

  async get(id: string): Promise<StoredPipeline> {
    const row = await this.pipelines.byId(id);
    if (!row) throw new NotFoundError(`pipeline ${id} not found`);
    return toStoredPipeline(row);
  }

  async getRow(id: string): Promise<PipelineConfigEntity> {
    const row = await this.pipelines.byId(id);
    if (!row) throw new NotFoundError(`pipeline ${id} not found`);
    return row;
  }

  async byName(application: string, name: string): Promise<StoredPipeline | null> {
    const row = await this.pipelines.byName(application, name);
    return row ? toStoredPipeline(row) : null;
  }

  async listByApplication(application: string): Promise<StoredPipeline[]> {
    return (await this.pipelines.listByApplication(application)).map(toStoredPipeline);
  }

  async all(): Promise<StoredPipeline[]> {
    return (await this.pipelines.all()).map(toStoredPipeline);
  }

  async delete(id: string, options: SaveOptions = {}): Promise<void> {
    const run = async (m: EntityManager) => {
      const row = await this.pipelines.byId(id, m);
      if (!row) throw new NotFoundError(`pipeline ${id} not found`);
      this.refuseManaged(row, options);
      await this.pipelines.delete(m, id);
      const version = (await this.pipelines.maxRevision(m, id)) + 1;
      await this.pipelines.addRevision(m, { pipelineId: id, version, action: 'delete', config: row.config, author: options.user ?? null });
    };
    if (options.manager) await run(options.manager);
    else {
      await this.ds.transaction(run);
      await this.changed(id, null);
    }
  }

  async history(id: string, limit = 100): Promise<PipelineRevisionView[]> {
    const revisions = await this.pipelines.revisions(id, limit);
    if (revisions.length === 0 && !(await this.pipelines.byId(id))) throw new NotFoundError(`pipeline ${id} not found`);
    return revisions.map(toRevisionView);
  }

  /** Makes an old revision current again (as a new revision). */
  async restore(id: string, version: number, user?: string): Promise<StoredPipeline> {
    const rev = await this.pipelines.revision(id, version);
    if (!rev) throw new NotFoundError(`pipeline ${id} has no revision ${version}`);
    const current = await this.pipelines.byId(id);
    const body = { ...cloneJson(rev.config), id, ...(current ? { version: current.version } : {}) };
    return (await this.save(body, { user, action: 'restore' })).pipeline;
  }

  private refuseManaged(row: PipelineConfigEntity, options: SaveOptions): void {
    if (row.managedBy && options.managedBy === undefined) {
      throw new ConflictError(
        `pipeline "${row.name}" is managed in ${row.managedBy.url} (branch ${row.managedBy.branch}, ${row.managedBy.file}); change it there`,
        [{ pointer: '', message: `managed by ${row.managedBy.url}` }],
      );
    }
  }
}

function storedDocument(p: PipelineConfig): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (!IDENTITY_KEYS.includes(k)) doc[k] = v;
  return doc;
}

function toRevisionView(r: PipelineRevisionEntity): PipelineRevisionView {
  return { version: r.version, action: r.action, author: r.author, createdAt: r.createdAt.toISOString(), pipeline: maskSecrets(r.config) };
}

function isUniqueViolation(err: unknown): boolean {
  return isPlainObject(err) ? err['code'] === '23505' : (err as { code?: unknown } | null)?.code === '23505' || (err as { driverError?: { code?: unknown } } | null)?.driverError?.code === '23505';
}
