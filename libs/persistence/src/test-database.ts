import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DEFAULT_DATABASE_URL } from './data-source';

/**
 * A throwaway database for one test file (or one benchmark run): created empty, dropped after.
 * Tests never share state, so files can run in parallel on a fresh clone.
 */
export async function createTestDatabase(prefix = 'gk_test'): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const base = new URL(process.env['GENNAKER_TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL);
  const admin = new URL(base.toString());
  admin.pathname = '/postgres';
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new Client({ connectionString: admin.toString() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
