// A throwaway database with only the tables a canary-runtime spec needs (this lib sits below
// @gennaker/persistence, so it cannot use its test database helper). TEST ONLY.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, type MigrationInterface, type MixedList, type EntitySchema } from 'typeorm';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/gennaker';

export async function canaryTestDatabase(entities: MixedList<string | (new () => unknown) | EntitySchema>, migrations: Array<new () => MigrationInterface>): Promise<{ ds: DataSource; drop: () => Promise<void> }> {
  const base = new URL(process.env['GENNAKER_TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'] ?? DEFAULT_URL);
  const admin = new URL(base.toString());
  admin.pathname = '/postgres';
  const name = `gk_canary_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  const ds = new DataSource({ type: 'postgres', url: url.toString(), entities, migrations, migrationsTableName: 'typeorm_migrations', extra: { max: 5 } });
  await ds.initialize();
  await ds.runMigrations();
  return {
    ds,
    drop: async () => {
      await ds.destroy().catch(() => undefined);
      const d = new Client({ connectionString: admin.toString() });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await d.end();
    },
  };
}
