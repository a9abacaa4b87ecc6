import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Cluster locks with leases: one execution changes a cluster at a time. */
export class ClusterLocks1764171100000 implements MigrationInterface {
  name = 'ClusterLocks1764171100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cluster_locks (
        key text PRIMARY KEY,
        owner text NOT NULL,
        acquired_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS cluster_locks');
  }
}
