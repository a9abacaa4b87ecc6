import { randomUUID } from 'node:crypto';
import { preparedQuery, returnedRows } from '@gennaker/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { TriggerDeliveryEntity, type DeliverySync } from './entities/trigger-delivery.entity';

export type NewDelivery = Omit<TriggerDeliveryEntity, 'id' | 'receivedAt'> & { id?: string; receivedAt?: Date };

/** The delivery log and the once-only start keys. */
export class TriggerDeliveryRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Records an accepted delivery in the caller's transaction. Returns null when the same host
   * delivery id was accepted before (a replay): the unique index decides, even between racing requests.
   */
  async insertAccepted(m: EntityManager, d: NewDelivery): Promise<TriggerDeliveryEntity | null> {
    const row = this.toRow(d);
    const r = await preparedQuery(
      m,
      `INSERT INTO trigger_deliveries (id, provider, delivery_id, accepted, signature, event, repository, branch, hash, applications, started, skipped, sync, message, received_at)
       VALUES ($1, $2, $3, true, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (provider, delivery_id) WHERE accepted DO NOTHING RETURNING id`,
      [row.id, row.provider, row.deliveryId, row.signature, row.event, row.repository, row.branch, row.hash, row.applications, JSON.stringify(row.started), JSON.stringify(row.skipped), row.sync === null ? null : JSON.stringify(row.sync), row.message, row.receivedAt],
    );
    return r.length > 0 ? row : null;
  }

  /** Records a refused delivery (bad signature...): it holds no delivery id, so the real one still goes through. */
  async insertRefused(d: NewDelivery): Promise<TriggerDeliveryEntity> {
    const row = { ...this.toRow(d), accepted: false };
    await this.ds.manager.insert(TriggerDeliveryEntity, row);
    return row;
  }

  /** What an accepted delivery started and skipped, in the transaction that recorded it. */
  async setResults(m: EntityManager, id: string, r: Pick<TriggerDeliveryEntity, 'applications' | 'started' | 'skipped'>): Promise<void> {
    await preparedQuery(m, `UPDATE trigger_deliveries SET applications = $2, started = $3, skipped = $4 WHERE id = $1`, [id, r.applications, JSON.stringify(r.started), JSON.stringify(r.skipped)]);
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
