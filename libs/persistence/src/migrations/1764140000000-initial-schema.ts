import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Applications, pipeline configs with revisions, executions with stages and tasks, the outbox. */
export class InitialSchema1764140000000 implements MigrationInterface {
  name = 'InitialSchema1764140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE applications (
        name text PRIMARY KEY,
        email text,
        description text,
        permissions jsonb,
        pipelines_repo jsonb,
        attributes jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE pipeline_configs (
        id text PRIMARY KEY,
        application text NOT NULL,
        name text NOT NULL,
        version integer NOT NULL,
        config jsonb NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        managed_by jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_pipeline_configs_app_name ON pipeline_configs (application, name)`);
    await q.query(`
      CREATE TABLE pipeline_config_revisions (
        id bigserial PRIMARY KEY,
        pipeline_id text NOT NULL,
        version integer NOT NULL,
        action text NOT NULL,
        config jsonb NOT NULL,
        author text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_pipeline_revisions_pipeline_version ON pipeline_config_revisions (pipeline_id, version)`);
    await q.query(`
      CREATE TABLE executions (
        id text PRIMARY KEY,
        type text NOT NULL,
        application text NOT NULL,
        pipeline_config_id text,
        name text NOT NULL,
        status text NOT NULL,
        trigger jsonb NOT NULL,
        build_time timestamptz NOT NULL,
        start_time timestamptz,
        end_time timestamptz,
        canceled boolean NOT NULL DEFAULT false,
        canceled_by text,
        cancellation_reason text,
        paused jsonb,
        limit_concurrent boolean NOT NULL,
        max_concurrent_executions integer NOT NULL,
        keep_waiting_pipelines boolean NOT NULL,
        parent_execution_id text,
        parent_stage_id text,
        spec jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_executions_config_status ON executions (pipeline_config_id, status)`);
    await q.query(`CREATE INDEX ix_executions_app_build ON executions (application, build_time)`);
    await q.query(`CREATE INDEX ix_executions_status ON executions (status)`);
    await q.query(`CREATE INDEX ix_executions_parent ON executions (parent_execution_id)`);
    await q.query(`CREATE INDEX ix_executions_build_id ON executions (build_time DESC, id DESC)`);
    await q.query(`
      CREATE TABLE stages (
        id text PRIMARY KEY,
        execution_id text NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        ref_id text NOT NULL,
        type text NOT NULL,
        name text NOT NULL,
        status text NOT NULL,
        initial_context jsonb NOT NULL,
        context jsonb NOT NULL,
        outputs jsonb NOT NULL,
        requisite_stage_ref_ids jsonb NOT NULL,
        parent_stage_id text,
        synthetic_stage_owner text,
        start_time timestamptz,
        end_time timestamptz,
        paused_ms bigint NOT NULL DEFAULT 0,
        error jsonb,
        failure_handled boolean NOT NULL DEFAULT false,
        last_modified jsonb
      )`);
    await q.query(`CREATE INDEX ix_stages_execution ON stages (execution_id, seq)`);
    await q.query(`
      CREATE TABLE tasks (
        id text PRIMARY KEY,
        stage_id text NOT NULL REFERENCES stages (id) ON DELETE CASCADE,
        execution_id text NOT NULL,
        seq integer NOT NULL,
        name text NOT NULL,
        type text NOT NULL,
        status text NOT NULL,
        start_time timestamptz,
        end_time timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        paused_ms bigint NOT NULL DEFAULT 0,
        last_error text
      )`);
    await q.query(`CREATE INDEX ix_tasks_execution ON tasks (execution_id)`);
    await q.query(`CREATE INDEX ix_tasks_stage ON tasks (stage_id, seq)`);
    await q.query(`
      CREATE TABLE outbox (
        id text PRIMARY KEY,
        execution_id text,
        type text NOT NULL,
        queue text NOT NULL,
        payload jsonb NOT NULL,
        deliver_at timestamptz NOT NULL,
        dispatched_at timestamptz,
        dedupe_key text,
        woken boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_outbox_execution ON outbox (execution_id)`);
    await q.query(`CREATE INDEX ix_outbox_deliver ON outbox (deliver_at)`);
    await q.query(`CREATE UNIQUE INDEX ux_outbox_dedupe ON outbox (dedupe_key) WHERE dedupe_key IS NOT NULL`);
    await q.query(`CREATE INDEX ix_outbox_undispatched ON outbox (created_at) WHERE dispatched_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['outbox', 'tasks', 'stages', 'executions', 'pipeline_config_revisions', 'pipeline_configs', 'applications']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
