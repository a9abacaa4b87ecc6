import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from './data-source';
import { preparedQuery } from './sql.util';
import { createTestDatabase } from './test-database';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource({ url: db.url, poolSize: 2 });
  await ds.initialize();
  await ds.query(`CREATE TABLE t (id int PRIMARY KEY, v text)`);
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

describe('preparedQuery', () => {
  it('runs in the caller transaction: it sees its uncommitted rows, and a rollback undoes its writes', async () => {
    await expect(
      ds.transaction(async (m) => {
        await m.query(`INSERT INTO t VALUES (1, 'a')`);
        expect(await preparedQuery(m, `SELECT v FROM t WHERE id = $1`, [1])).toEqual([{ v: 'a' }]);
        expect(await preparedQuery(m, `UPDATE t SET v = $2 WHERE id = $1 RETURNING v`, [1, 'b'])).toEqual([{ v: 'b' }]);
        // Outside the transaction nothing of it is visible yet.
        expect(await preparedQuery(ds.manager, `SELECT v FROM t WHERE id = $1`, [1])).toEqual([]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await preparedQuery(ds.manager, `SELECT v FROM t WHERE id = $1`, [1])).toEqual([]);
  });

  it('prepares a text once per connection and reuses it with other values', async () => {
    await ds.query(`INSERT INTO t VALUES (2, 'x'), (3, 'y')`);
    await ds.transaction(async (m) => {
      for (const [id, v] of [[2, 'x'], [3, 'y'], [2, 'x']] as const) {
        expect(await preparedQuery(m, `SELECT v FROM t WHERE id = $1`, [id])).toEqual([{ v }]);
      }
      const prepared = (await m.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT v FROM t WHERE id = $1'`)) as Array<{ n: number }>;
      expect(prepared[0]?.n).toBe(1);
    });
  });

  it('passes Postgres errors through with their code', async () => {
    await expect(preparedQuery(ds.manager, `INSERT INTO t VALUES ($1, 'dup')`, [2])).rejects.toMatchObject({ code: '23505' });
  });
});
