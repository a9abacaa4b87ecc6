import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API tokens (hashes only) and the audit log. The audit table is append-only in the database
 * itself: a trigger refuses UPDATE, DELETE and TRUNCATE, whatever the code above it does.
 */
export class AuthTables1764180000000 implements MigrationInterface {
  name = 'AuthTables1764180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('token', 'service', 'session')),
        token_hash text NOT NULL,
        roles jsonb NOT NULL DEFAULT '[]',
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        revoked_by text,
        last_used_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_api_tokens_hash ON api_tokens (token_hash)`);
    // One live service account per name: triggers find it by name (runAsUser).
    await q.query(`CREATE UNIQUE INDEX ux_api_tokens_service_name ON api_tokens (name) WHERE kind = 'service' AND revoked_at IS NULL`);
    await q.query(`CREATE INDEX ix_api_tokens_created ON api_tokens (created_at DESC, id)`);
    await q.query(`
      CREATE TABLE audit_events (
        id bigserial PRIMARY KEY,
        time timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        application text,
        resource_type text NOT NULL,
        resource_id text,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX ix_audit_events_app ON audit_events (application, id)`);
    await q.query(`CREATE INDEX ix_audit_events_actor ON audit_events (actor, id)`);
    await q.query(`CREATE INDEX ix_audit_events_action ON audit_events (action, id)`);
    await q.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await q.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION audit_events_append_only()`);
    await q.query(`DROP TABLE api_tokens`);
  }
}
