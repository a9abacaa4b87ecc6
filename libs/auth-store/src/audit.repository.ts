import type { DataSource, EntityManager } from 'typeorm';

export interface AuditEvent {
  id: string;
  time: string;
  actor: string;
  action: string;
  application: string | null;
  resourceType: string;
  resourceId: string | null;
  details: Record<string, unknown>;
}

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'time'>;

export interface AuditFilter {
  actor?: string;
  action?: string;
  application?: string;
  /** Only these applications (a reader who is not an admin); events without one are left out. */
  applications?: string[] | null;
  limit: number;
  /** Events older than this id. */
  before: string | null;
}

/** The audit log: insert and read, nothing else (the table refuses UPDATE and DELETE). */
export class AuditRepository {
  constructor(private readonly ds: DataSource) {}

  /** An event as rows for a statement that stores it with something else (a new execution). */
  static rows(e: NewAuditEvent): { table: string; columns: string[]; rows: Array<Record<string, unknown>> } {
    return {
      table: 'audit_events',
      columns: ['actor', 'action', 'application', 'resource_type', 'resource_id', 'details'],
      rows: [{ actor: e.actor, action: e.action, application: e.application, resource_type: e.resourceType, resource_id: e.resourceId, details: e.details ?? {} }],
    };
  }

  async insert(e: NewAuditEvent, m: EntityManager = this.ds.manager): Promise<void> {
    await m.query(`INSERT INTO audit_events (actor, action, application, resource_type, resource_id, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`, [
      e.actor,
      e.action,
      e.application,
      e.resourceType,
      e.resourceId,
      JSON.stringify(e.details ?? {}),
    ]);
  }

  async query(f: AuditFilter): Promise<AuditEvent[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown): void => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.actor !== undefined) add('actor = ?', f.actor);
    if (f.action !== undefined) add(f.action.endsWith('.*') ? 'action LIKE ?' : 'action = ?', f.action.endsWith('.*') ? `${f.action.slice(0, -1)}%` : f.action);
    if (f.application !== undefined) add('application = ?', f.application);
    if (f.applications) add('application = ANY(?)', f.applications);
    if (f.before !== null) add('id < ?', f.before);
    params.push(f.limit + 1);
    const rows = (await this.ds.query(
      `SELECT id::text AS id, time, actor, action, application, resource_type AS "resourceType", resource_id AS "resourceId", details FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    )) as Array<Omit<AuditEvent, 'time'> & { time: Date }>;
    return rows.map((r) => ({ ...r, time: r.time.toISOString() }));
  }
}
