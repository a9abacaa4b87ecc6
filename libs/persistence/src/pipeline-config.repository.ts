import { Coalescer } from '@gennaker/common';
import type { QueryDeepPartialEntity } from 'typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { PipelineConfigEntity } from './entities/pipeline-config.entity';
import { PipelineRevisionEntity } from './entities/pipeline-revision.entity';
import { preparedQuery } from './sql.util';

export type RevisionAction = PipelineRevisionEntity['action'];

/** Pipeline configs and their revision history (Front50's job). */
export class PipelineConfigRepository {
  constructor(private readonly ds: DataSource) {}

  /** Read on every start (a prepared statement: see preparedQuery). */
  async byId(id: string, m: EntityManager = this.ds.manager): Promise<PipelineConfigEntity | null> {
    const rows = await preparedQuery(m, `SELECT ${PIPELINE_COLUMNS} FROM pipeline_configs p WHERE p.id = $1`, [id]);
    return rows[0] ? toPipelineConfig(rows[0]) : null;
  }

  /**
   * A pipeline with its application's permissions, in one statement (a start's guard needs both).
   * `permissions` is undefined when the application does not exist. Requests arriving together
   * share that statement (a read that starts after they asked); each gets objects of its own.
   */
  async byIdWithPermissions(id: string): Promise<{ pipeline: PipelineConfigEntity; permissions: unknown } | null> {
    const r = (await this.guardReads.submit(id)).get(id);
    if (!r) return null;
    return {
      pipeline: toPipelineConfig({ ...r, config: JSON.parse(r['config'] as string) }),
      permissions: r['app_exists'] === true ? (JSON.parse((r['app_permissions'] as string | null) ?? 'null') ?? null) : undefined,
    };
  }

  private readonly guardReads = new Coalescer<string, Map<string, Record<string, unknown>>>(async (ids) => {
    const rows = await preparedQuery(
      this.ds.manager,
      `SELECT ${PIPELINE_COLUMNS.replace('p.config', 'p.config::text AS config')}, a.name IS NOT NULL AS app_exists, a.permissions::text AS app_permissions
         FROM pipeline_configs p LEFT JOIN applications a ON a.name = p.application WHERE p.id = ANY($1::text[])`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((row) => [row['id'] as string, row]));
  });

  byName(application: string, name: string, m: EntityManager = this.ds.manager): Promise<PipelineConfigEntity | null> {
    return m.findOne(PipelineConfigEntity, { where: { application, name } });
  }

  listByApplication(application: string): Promise<PipelineConfigEntity[]> {
    return this.ds.manager.find(PipelineConfigEntity, { where: { application }, order: { name: 'ASC' } });
  }

  /** name -> id for the expression function #pipelineId. */
  async idsByName(application: string): Promise<Record<string, string>> {
    const rows = await this.ds.manager.find(PipelineConfigEntity, { where: { application }, select: { id: true, name: true } });
    return Object.fromEntries(rows.map((r) => [r.name, r.id]));
  }

  async all(): Promise<PipelineConfigEntity[]> {
    return this.ds.manager.find(PipelineConfigEntity, { order: { application: 'ASC', name: 'ASC' } });
  }

  async insert(m: EntityManager, row: Omit<PipelineConfigEntity, 'createdAt' | 'updatedAt'>): Promise<PipelineConfigEntity> {
    await m.insert(PipelineConfigEntity, { ...row, createdAt: new Date(), updatedAt: new Date() } as QueryDeepPartialEntity<PipelineConfigEntity>);
    return (await this.byId(row.id, m)) as PipelineConfigEntity;
  }

  /** Optimistic update: only applies when the stored version is still `expectedVersion`. */
  async update(
    m: EntityManager,
    id: string,
    expectedVersion: number,
    changes: Pick<PipelineConfigEntity, 'name' | 'config' | 'disabled' | 'managedBy' | 'updatedBy'>,
  ): Promise<PipelineConfigEntity | null> {
    const result = await m
      .createQueryBuilder()
      .update(PipelineConfigEntity)
      .set({ ...changes, version: () => 'version + 1', updatedAt: () => 'now()' } as QueryDeepPartialEntity<PipelineConfigEntity>)
      .where('id = :id AND version = :v', { id, v: expectedVersion })
      .execute();
    if (!result.affected) return null;
    return this.byId(id, m);
  }

  async delete(m: EntityManager, id: string): Promise<boolean> {
    const r = await m.delete(PipelineConfigEntity, { id });
    return (r.affected ?? 0) > 0;
  }

  async addRevision(
    m: EntityManager,
    rev: { pipelineId: string; version: number; action: RevisionAction; config: Record<string, unknown>; author: string | null },
  ): Promise<void> {
    await m.insert(PipelineRevisionEntity, { ...rev, createdAt: new Date() } as QueryDeepPartialEntity<PipelineRevisionEntity>);
  }

  revisions(pipelineId: string, limit = 100): Promise<PipelineRevisionEntity[]> {
    return this.ds.manager.find(PipelineRevisionEntity, { where: { pipelineId }, order: { version: 'DESC' }, take: limit });
  }

  revision(pipelineId: string, version: number): Promise<PipelineRevisionEntity | null> {
    return this.ds.manager.findOne(PipelineRevisionEntity, { where: { pipelineId, version } });
  }

  async maxRevision(m: EntityManager, pipelineId: string): Promise<number> {
    const rows: Array<{ v: number | null }> = await m.query(
      `SELECT max(version)::int AS v FROM pipeline_config_revisions WHERE pipeline_id = $1`,
      [pipelineId],
    );
    return Number(rows[0]?.v ?? 0);
  }
}

const PIPELINE_COLUMNS = 'p.id, p.application, p.name, p.version, p.config, p.disabled, p.managed_by, p.created_at, p.updated_at, p.updated_by';

function toPipelineConfig(r: Record<string, unknown>): PipelineConfigEntity {
  return Object.assign(new PipelineConfigEntity(), {
    id: r['id'] as string,
    application: r['application'] as string,
    name: r['name'] as string,
    version: Number(r['version']),
    config: r['config'] as Record<string, unknown>,
    disabled: r['disabled'] === true,
    managedBy: (r['managed_by'] as PipelineConfigEntity['managedBy']) ?? null,
    createdAt: r['created_at'] as Date,
    updatedAt: r['updated_at'] as Date,
    updatedBy: (r['updated_by'] as string | null) ?? null,
  });
}
