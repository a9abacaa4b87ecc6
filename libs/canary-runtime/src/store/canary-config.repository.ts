import type { DataSource } from 'typeorm';
import { CanaryConfigEntity } from '../entities/canary-config.entity';
import type { CanaryConfigStore, StoredCanaryConfig } from './canary-store.port';

function toStored(e: CanaryConfigEntity): StoredCanaryConfig {
  return { id: e.id, name: e.name, applications: [...e.applications], config: { ...e.config, id: e.id }, createdAt: e.createdAt, updatedAt: e.updatedAt, updatedBy: e.updatedBy };
}

/** Canary configs in Postgres (canary_configs). */
export class CanaryConfigRepository implements CanaryConfigStore {
  constructor(private readonly ds: DataSource) {}

  async byId(id: string): Promise<StoredCanaryConfig | null> {
    const e = await this.ds.manager.findOne(CanaryConfigEntity, { where: { id } });
    return e ? toStored(e) : null;
  }

  async byName(name: string): Promise<StoredCanaryConfig | null> {
    const e = await this.ds.manager.findOne(CanaryConfigEntity, { where: { name } });
    return e ? toStored(e) : null;
  }

  /** Inserts or replaces by id. A name another config holds is refused by the unique index. */
  async save(row: { id: string; name: string; applications: string[]; config: Record<string, unknown>; updatedBy: string | null }, now = new Date()): Promise<{ stored: StoredCanaryConfig; created: boolean }> {
    const result = (await this.ds.query(
      `INSERT INTO canary_configs (id, name, applications, config, created_at, updated_at, updated_by)
       VALUES ($1, $2, $3, $4, $5, $5, $6)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, applications = EXCLUDED.applications, config = EXCLUDED.config, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
       RETURNING (xmax = 0) AS created`,
      [row.id, row.name, row.applications, JSON.stringify(row.config), now, row.updatedBy],
    )) as Array<{ created: boolean }>;
    const stored = await this.byId(row.id);
    return { stored: stored as StoredCanaryConfig, created: result[0]?.created === true };
  }

  /** By name; `cursor` is the last name of the previous page. */
  async list(filter: { application?: string; limit: number; cursor?: string | null }): Promise<{ items: StoredCanaryConfig[]; nextCursor: string | null }> {
    const q = this.ds.manager.createQueryBuilder(CanaryConfigEntity, 'c').orderBy('c.name', 'ASC').take(filter.limit + 1);
    if (filter.application) q.andWhere(':app = ANY(c.applications)', { app: filter.application });
    if (filter.cursor) q.andWhere('c.name > :cursor', { cursor: filter.cursor });
    const rows = await q.getMany();
    const page = rows.slice(0, filter.limit);
    return { items: page.map(toStored), nextCursor: rows.length > filter.limit ? (page[page.length - 1]?.name ?? null) : null };
  }
}
