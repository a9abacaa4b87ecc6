import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the local host last applied the desired state to its load balancers (the database time at
 * which it read that state): a disable waits for it, so it returns only once no request goes to
 * the disabled group any more.
 */
export class LocalRouting1764171200000 implements MigrationInterface {
  name = 'LocalRouting1764171200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE local_routing (
        id smallint PRIMARY KEY CHECK (id = 1),
        applied_at timestamptz NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT '-infinity'
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS local_routing');
  }
}
