import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Canary configs, canary runs and each interval's judgment (issue 5). */
export class CanaryTables1764190000000 implements MigrationInterface {
  name = 'CanaryTables1764190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE canary_configs (
        id text PRIMARY KEY,
        name text NOT NULL,
        applications text[] NOT NULL DEFAULT '{}',
        config jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text
      )`);
    await q.query('CREATE UNIQUE INDEX uq_canary_configs_name ON canary_configs (name)');
    await q.query(`
      CREATE TABLE canary_results (
        id text PRIMARY KEY,
        execution_id text,
        stage_id text,
        application text,
        config_id text,
        config_name text NOT NULL,
        config jsonb NOT NULL,
        status text NOT NULL,
        classification text,
        score double precision,
        message text,
        details jsonb NOT NULL,
        start_time timestamptz NOT NULL,
        end_time timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query('CREATE INDEX ix_canary_results_execution ON canary_results (execution_id)');
    await q.query('CREATE INDEX ix_canary_results_application_created ON canary_results (application, created_at)');
    await q.query(`
      CREATE TABLE canary_intervals (
        result_id text NOT NULL,
        index int NOT NULL,
        start_time timestamptz NOT NULL,
        end_time timestamptz NOT NULL,
        judged_at timestamptz NOT NULL,
        score double precision NOT NULL,
        classification text NOT NULL,
        judgment jsonb NOT NULL,
        PRIMARY KEY (result_id, index),
        CONSTRAINT fk_canary_intervals_result FOREIGN KEY (result_id) REFERENCES canary_results (id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS canary_intervals');
    await q.query('DROP TABLE IF EXISTS canary_results');
    await q.query('DROP TABLE IF EXISTS canary_configs');
  }
}
