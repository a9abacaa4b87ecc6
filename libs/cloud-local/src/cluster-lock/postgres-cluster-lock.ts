import type { ClusterLock } from '@gennaker/cloud';
import type { DataSource } from 'typeorm';

export interface PostgresClusterLockOptions {
  /**
   * SQL condition, over the row `cluster_locks`, that is true while its owner still runs; a lock
   * whose owner ended (canceled, failed without cleanup) is free at once instead of at lease end.
   */
  ownerAliveSql?: string;
}

/**
 * The cluster lock in Postgres: one row per cluster key. Acquiring is one statement that takes a
 * free, expired or dead-owner row, or renews our own; so two workers racing for a cluster get one
 * answer each, and the loser learns the holder.
 */
export class PostgresClusterLock implements ClusterLock {
  constructor(
    private readonly ds: DataSource,
    private readonly options: PostgresClusterLockOptions = {},
  ) {}

  async acquire(key: string, owner: string, ttlMs: number): Promise<{ acquired: boolean; holder?: string }> {
    const dead = this.options.ownerAliveSql ? ` OR NOT (${this.options.ownerAliveSql})` : '';
    const rows = (await this.ds.query(
      `INSERT INTO cluster_locks (key, owner, acquired_at, expires_at)
       VALUES ($1, $2, now(), now() + $3 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         owner = excluded.owner,
         acquired_at = CASE WHEN cluster_locks.owner = excluded.owner THEN cluster_locks.acquired_at ELSE now() END,
         expires_at = excluded.expires_at
       WHERE cluster_locks.owner = excluded.owner OR cluster_locks.expires_at < now()${dead}
       RETURNING owner`,
      [key, owner, Math.max(1, Math.round(ttlMs))],
    )) as Array<{ owner: string }>;
    if (rows.length > 0) return { acquired: true };
    const held = (await this.ds.query('SELECT owner FROM cluster_locks WHERE key = $1', [key])) as Array<{ owner: string }>;
    // Released between the two statements: try once more.
    if (held.length === 0) return this.acquire(key, owner, ttlMs);
    return { acquired: false, holder: held[0]?.owner };
  }

  async release(key: string, owner: string): Promise<void> {
    await this.ds.query('DELETE FROM cluster_locks WHERE key = $1 AND owner = $2', [key, owner]);
  }

  /** Every held lock (for status pages). */
  async held(): Promise<Array<{ key: string; owner: string; acquiredAt: Date; expiresAt: Date }>> {
    const rows = (await this.ds.query('SELECT key, owner, acquired_at, expires_at FROM cluster_locks WHERE expires_at > now() ORDER BY key')) as Array<{
      key: string;
      owner: string;
      acquired_at: Date;
      expires_at: Date;
    }>;
    return rows.map((r) => ({ key: r.key, owner: r.owner, acquiredAt: r.acquired_at, expiresAt: r.expires_at }));
  }
}
