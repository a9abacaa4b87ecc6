import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The local provider's state: images, bakes, server groups, instances, load balancers, request metrics. */
export class LocalProvider1764171000000 implements MigrationInterface {
  name = 'LocalProvider1764171000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE local_images (
        id text PRIMARY KEY,
        name text NOT NULL,
        account text NOT NULL,
        region text NOT NULL,
        package text NOT NULL,
        version text,
        path text NOT NULL,
        command jsonb NOT NULL,
        env jsonb NOT NULL,
        tags jsonb NOT NULL,
        size_bytes bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE local_bakes (
        id text PRIMARY KEY,
        inputs_hash text NOT NULL,
        account text NOT NULL,
        region text NOT NULL,
        state text NOT NULL,
        image_id text,
        reused boolean NOT NULL DEFAULT false,
        message text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_local_bakes_inputs_hash ON local_bakes (inputs_hash)`);
    await q.query(`
      CREATE TABLE local_server_groups (
        account text NOT NULL,
        region text NOT NULL,
        name text NOT NULL,
        application text NOT NULL,
        cluster text NOT NULL,
        stack text,
        detail text,
        sequence integer,
        image_id text NOT NULL,
        capacity jsonb NOT NULL,
        enabled boolean NOT NULL,
        load_balancers jsonb NOT NULL,
        health_check_path text NOT NULL,
        grace_period_sec integer NOT NULL,
        env jsonb NOT NULL,
        tags jsonb NOT NULL,
        launch_config jsonb NOT NULL,
        state text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (account, region, name)
      )`);
    await q.query(`
      CREATE TABLE local_instances (
        id text PRIMARY KEY,
        account text NOT NULL,
        region text NOT NULL,
        server_group text NOT NULL,
        port integer NOT NULL,
        pid integer,
        start_token text,
        state text NOT NULL,
        health_reason text,
        restarts integer NOT NULL DEFAULT 0,
        next_start_at timestamptz,
        launched_at timestamptz NOT NULL,
        started_at timestamptz,
        last_exit jsonb,
        log_path text NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_local_instances_group ON local_instances (account, region, server_group)`);
    await q.query(`
      CREATE TABLE local_load_balancers (
        account text NOT NULL,
        region text NOT NULL,
        name text NOT NULL,
        application text NOT NULL,
        port integer NOT NULL,
        weights jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account, region, name),
        CONSTRAINT ux_local_load_balancers_port UNIQUE (port)
      )`);
    await q.query(`
      CREATE TABLE local_metrics (
        account text NOT NULL,
        region text NOT NULL,
        server_group text NOT NULL,
        bucket timestamptz NOT NULL,
        requests integer NOT NULL,
        errors integer NOT NULL,
        latency_sum_ms double precision NOT NULL,
        latency_counts integer[] NOT NULL,
        PRIMARY KEY (account, region, server_group, bucket)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['local_metrics', 'local_load_balancers', 'local_instances', 'local_server_groups', 'local_bakes', 'local_images']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
