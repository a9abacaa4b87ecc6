import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery, returnedRows } from './sql.util';

type Row = Record<string, unknown>;

export interface OutboxMessage {
  id: string;
  executionId: string | null;
  type: string;
  queue: string;
  payload: Record<string, unknown>;
  deliverAt: number;
  dedupeKey?: string | null;
}

export interface StoredOutboxMessage extends OutboxMessage {
  /** false when an existing pending message with the same dedupe key absorbed this one. */
  inserted: boolean;
}

/** An outbox row as json_populate_recordset takes it. */
export type OutboxRow = Record<string, unknown>;

/**
 * Outbox rows for json_populate_recordset. Messages sharing a dedupe key are merged first: one
 * statement cannot touch a conflicting row twice.
 */
export function outboxRows(messages: OutboxMessage[], dispatched: boolean): OutboxRow[] {
  const byKey = new Map<string, OutboxMessage>();
  const rows: OutboxMessage[] = [];
  for (const msg of messages) {
    if (msg.dedupeKey) {
      const prev = byKey.get(msg.dedupeKey);
      if (prev) {
        prev.deliverAt = Math.min(prev.deliverAt, msg.deliverAt);
        continue;
      }
      byKey.set(msg.dedupeKey, msg);
    }
    rows.push(msg);
  }
  const now = new Date().toISOString();
  return rows.map((r) => ({
    id: r.id,
    execution_id: r.executionId,
    type: r.type,
    queue: r.queue,
    payload: r.payload,
    deliver_at: new Date(r.deliverAt).toISOString(),
    dispatched_at: dispatched ? now : null,
    dedupe_key: r.dedupeKey ?? null,
    woken: false,
    created_at: now,
  }));
}

/**
 * The transactional outbox: engine messages written with the state change that caused them and
 * deleted with the state change that handled them.
 */
export class OutboxRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Stores messages in the caller's transaction. `dispatched` marks rows the caller will hand to
   * BullMQ itself right after commit (the relay takes the others). A message whose dedupe key is
   * pending merges into the pending one, which moves earlier if asked.
   */
  async add(m: EntityManager, messages: OutboxMessage[], dispatched: boolean): Promise<StoredOutboxMessage[]> {
    if (messages.length === 0) return [];
    const out: Row[] = await m.query(
      `INSERT INTO outbox SELECT * FROM json_populate_recordset(NULL::outbox, $1::json)
       ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO UPDATE
         SET deliver_at = LEAST(outbox.deliver_at, EXCLUDED.deliver_at), woken = true
       RETURNING id, execution_id, type, queue, payload, deliver_at, dedupe_key, (xmax = 0) AS inserted`,
      [JSON.stringify(outboxRows(messages, dispatched))],
    );
    return out.map(toStoredMessage);
  }

  /** Deletes a message as part of handling it. Returns false when it was already handled. */
  async take(m: EntityManager, id: string): Promise<{ woken: boolean } | null> {
    const rows = await preparedQuery(m, `DELETE FROM outbox WHERE id = $1 RETURNING woken`, [id]);
    const r = rows[0];
    return r ? { woken: r['woken'] === true } : null;
  }

  /**
   * Deletes handled messages in a statement (and transaction) of their own, e.g. "finished"
   * messages whose listeners ran. Its commit does not wait for the WAL flush (synchronous_commit
   * off for this transaction only): a delete lost in a crash of Postgres only sends the message
   * again, and its handlers run at least once anyway. One disk flush fewer per finished run.
   */
  async takeMany(ids: string[]): Promise<void> {
    await preparedQuery(
      this.ds.manager,
      `WITH async AS (SELECT set_config('synchronous_commit', 'off', true) AS v)
       DELETE FROM outbox WHERE id = ANY($1::text[]) AND EXISTS (SELECT 1 FROM async)`,
      [ids],
    );
  }

  async exists(id: string): Promise<boolean> {
    const rows = await preparedQuery(this.ds.manager, `SELECT 1 FROM outbox WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /** Drops an execution's pending messages (it finished: nothing of it may run any more). */
  async deleteForExecution(m: EntityManager, executionId: string, keepIds: string[]): Promise<Array<{ id: string; queue: string }>> {
    const rows = returnedRows(
      await m.query(
        `DELETE FROM outbox WHERE execution_id = $1 AND NOT (id = ANY($2)) AND type NOT IN ('CancelStage', 'ExecutionFinished') RETURNING id, queue`,
        [executionId, keepIds],
      ),
    );
    return rows.map((r) => ({ id: String(r['id']), queue: String(r['queue']) }));
  }

  /** Rows never handed to BullMQ (the writer could not reach Redis, or crashed first). */
  async claimUndispatched(limit: number): Promise<OutboxMessage[]> {
    const rows = returnedRows(await this.ds.query(
      `UPDATE outbox SET dispatched_at = now()
        WHERE id IN (SELECT id FROM outbox WHERE dispatched_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, execution_id, type, queue, payload, deliver_at, dedupe_key`,
      [limit],
    ));
    return rows.map(toStoredMessage);
  }

  async markUndispatched(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.ds.query(`UPDATE outbox SET dispatched_at = NULL WHERE id = ANY($1)`, [ids]);
  }

  /** Dispatched messages that are overdue by `graceMs`: their job may have been lost. */
  async overdue(graceMs: number, limit: number): Promise<OutboxMessage[]> {
    const rows: Row[] = await this.ds.query(
      `SELECT id, execution_id, type, queue, payload, deliver_at, dedupe_key FROM outbox
        WHERE dispatched_at IS NOT NULL AND deliver_at < now() - ($1 || ' milliseconds')::interval
          AND dispatched_at < now() - ($1 || ' milliseconds')::interval
        ORDER BY deliver_at LIMIT $2`,
      [String(graceMs), limit],
    );
    return rows.map(toStoredMessage);
  }

  async pendingCount(): Promise<number> {
    const rows: Row[] = await this.ds.query(`SELECT count(*)::int AS n FROM outbox`);
    return Number(rows[0]?.['n'] ?? 0);
  }
}

export function toStoredMessage(r: Row): StoredOutboxMessage {
  const d = r['deliver_at'];
  return {
    id: String(r['id']),
    executionId: (r['execution_id'] as string | null) ?? null,
    type: String(r['type']),
    queue: String(r['queue']),
    payload: (r['payload'] as Record<string, unknown>) ?? {},
    deliverAt: d instanceof Date ? d.getTime() : new Date(String(d)).getTime(),
    dedupeKey: (r['dedupe_key'] as string | null) ?? null,
    inserted: r['inserted'] !== false,
  };
}
