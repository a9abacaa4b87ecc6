import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The delivery log and the once-only start keys of triggers (issue 6). */
export class TriggerTables1764150000000 implements MigrationInterface {
  name = 'TriggerTables1764150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE trigger_deliveries (
        id text PRIMARY KEY,
        provider text NOT NULL,
        delivery_id text NOT NULL,
        accepted boolean NOT NULL,
        signature text NOT NULL,
        event text NULL,
        repository text NULL,
        branch text NULL,
        hash text NULL,
        applications text[] NOT NULL DEFAULT '{}',
        started jsonb NOT NULL DEFAULT '[]',
        skipped jsonb NOT NULL DEFAULT '[]',
        sync jsonb NULL,
        message text NULL,
        received_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_trigger_deliveries_provider_delivery ON trigger_deliveries (provider, delivery_id) WHERE accepted`);
    await q.query(`CREATE INDEX ix_trigger_deliveries_received ON trigger_deliveries (received_at)`);
    await q.query(`CREATE INDEX ix_trigger_deliveries_applications ON trigger_deliveries USING gin (applications)`);
    await q.query(`
      CREATE TABLE trigger_starts (
        key text PRIMARY KEY,
        execution_id text NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_trigger_starts_created ON trigger_starts (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE trigger_starts`);
    await q.query(`DROP TABLE trigger_deliveries`);
  }
}
