import { randomUUID } from 'node:crypto';
import { preparedQuery, returnedRows, type RowsToInsert } from '@gennaker/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { TriggerDeliveryEntity, type DeliverySync } from './entities/trigger-delivery.entity';

export type NewDelivery = Omit<TriggerDeliveryEntity, 'id' | 'receivedAt'> & { id?: string; receivedAt?: Date };

/** The delivery log and the once-only start keys. */
export class TriggerDeliveryRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Records accepted deliveries, with what each started and skipped, in the caller's transaction
   * and in one statement. Returns the ids of the rows recorded: a host delivery id accepted before
   * (a replay), or twice in this list, is recorded once; the unique index decides, even between
   * racing transactions.
   */
  async insertAcceptedMany(m: EntityManager, deliveries: NewDelivery[]): Promise<Set<string>> {
    if (deliveries.length === 0) return new Set();
    const rows = this.acceptedRows(deliveries).rows;
    const inserted = await preparedQuery(
      m,
      `INSERT INTO trigger_deliveries (id, provider, delivery_id, accepted, signature, event, repository, branch, hash, applications, started, skipped, sync, message, received_at)
       SELECT id, provider, delivery_id, true, signature, event, repository, branch, hash, applications, started, skipped, sync, message, received_at
         FROM json_populate_recordset(NULL::trigger_deliveries, $1::json)
       ON CONFLICT (provider, delivery_id) WHERE accepted DO NOTHING RETURNING id`,
      [JSON.stringify(rows)],
    );
    return new Set(inserted.map((r) => String(r['id'])));
  }

  /**
   * Accepted deliveries as rows for a statement of another repository (the one that stores the
   * executions they started), without ON CONFLICT: a delivery id accepted before fails that
   * statement with a unique violation (isReplayConflict), and the caller records the batch again
   * with insertAcceptedMany, which skips it.
   */
  acceptedRows(deliveries: NewDelivery[]): RowsToInsert {
    return {
      table: 'trigger_deliveries',
      columns: ['id', 'provider', 'delivery_id', 'accepted', 'signature', 'event', 'repository', 'branch', 'hash', 'applications', 'started', 'skipped', 'sync', 'message', 'received_at'],
      rows: deliveries.map((d) => {
        const r = this.toRow(d);
        return {
          id: r.id, provider: r.provider, delivery_id: r.deliveryId, accepted: true, signature: r.signature, event: r.event, repository: r.repository, branch: r.branch,
          hash: r.hash, applications: r.applications, started: r.started, skipped: r.skipped, sync: r.sync, message: r.message, received_at: r.receivedAt,
        };
      }),
    };
  }

  /** Records a refused delivery (bad signature...): it holds no delivery id, so the real one still goes through. */
  async insertRefused(d: NewDelivery): Promise<TriggerDeliveryEntity> {
    const row = { ...this.toRow(d), accepted: false };
    await this.ds.manager.insert(TriggerDeliveryEntity, row);
    return row;
  }

  async setSync(id: string, sync: DeliverySync): Promise<void> {
    await this.ds.query(
      `UPDATE trigger_deliveries SET sync = $2, applications = (SELECT array_agg(DISTINCT a) FROM unnest(applications || ARRAY[$3::text]) a) WHERE id = $1`,
      [id, JSON.stringify(sync), sync.application],
    );
  }

  byId(id: string): Promise<TriggerDeliveryEntity | null> {
    return this.ds.manager.findOne(TriggerDeliveryEntity, { where: { id } });
  }

  acceptedByDeliveryId(provider: string, deliveryId: string): Promise<TriggerDeliveryEntity | null> {
    return this.ds.manager.findOne(TriggerDeliveryEntity, { where: { provider, deliveryId, accepted: true } });
  }

  /** Newest first; `cursor` is the last row's (receivedAt, id). */
  async list(filter: { application?: string; provider?: string; limit: number; cursor?: { time: number; id: string } | null }): Promise<{ items: TriggerDeliveryEntity[]; nextCursor: { time: number; id: string } | null }> {
    const q = this.ds.manager.createQueryBuilder(TriggerDeliveryEntity, 'd').orderBy('d.received_at', 'DESC').addOrderBy('d.id', 'DESC').take(filter.limit + 1);
    if (filter.application) q.andWhere(':app = ANY(d.applications)', { app: filter.application });
    if (filter.provider) q.andWhere('d.provider = :provider', { provider: filter.provider });
    if (filter.cursor) q.andWhere('(d.received_at, d.id) < (:t, :id)', { t: new Date(filter.cursor.time), id: filter.cursor.id });
    const rows = await q.getMany();
    const items = rows.slice(0, filter.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > filter.limit && last ? { time: last.receivedAt.getTime(), id: last.id } : null };
  }

  /** Retention of the log and of the start keys. */
  async deleteOlderThan(days: number): Promise<number> {
    const a = returnedRows(await this.ds.query(`DELETE FROM trigger_deliveries WHERE received_at < now() - ($1 || ' days')::interval RETURNING id`, [String(days)]));
    await this.ds.query(`DELETE FROM trigger_starts WHERE created_at < now() - ($1 || ' days')::interval`, [String(Math.max(days, 2))]);
    return a.length;
  }

  /** Claims a once-only start key in the caller's transaction; false when it was claimed before. */
  async claimStart(m: EntityManager, key: string, executionId: string | null): Promise<boolean> {
    const r = await preparedQuery(m, `INSERT INTO trigger_starts (key, execution_id, created_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO NOTHING RETURNING key`, [key, executionId]);
    return r.length > 0;
  }

  private toRow(d: NewDelivery): TriggerDeliveryEntity {
    return Object.assign(new TriggerDeliveryEntity(), { ...d, id: d.id ?? randomUUID(), receivedAt: d.receivedAt ?? new Date() });
  }
}

/** A statement failed because one of its deliveries' ids was accepted before (see acceptedRows). */
export function isReplayConflict(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown; driverError?: { code?: unknown; constraint?: unknown } } | null;
  const code = e?.code ?? e?.driverError?.code;
  const constraint = e?.constraint ?? e?.driverError?.constraint;
  return code === '23505' && constraint === 'ux_trigger_deliveries_provider_delivery';
}
