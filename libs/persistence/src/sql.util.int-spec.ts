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

  it('plans a statement again as its table grows: a plan chosen on a small table does not scan a big one forever', async () => {
    // Autovacuum's ANALYZE would replan it too; off here, as it may be on any server.
    await ds.query(`CREATE TABLE grows (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false)`);
    const text = `SELECT v FROM grows WHERE id = ANY($1::int[])`;
    const planOfCurrent = async (m: Parameters<typeof preparedQuery>[0]): Promise<string> => {
      // The newest statement of this text on this connection, run as it is prepared (its cached plan).
      const [row] = (await m.query(`SELECT name FROM pg_prepared_statements WHERE statement = $1 ORDER BY prepare_time DESC LIMIT 1`, [text])) as Array<{ name: string }>;
      const plan = (await m.query(`EXPLAIN EXECUTE ${row!.name}('{1,2}')`)) as Array<{ 'QUERY PLAN': string }>;
      return plan.map((r) => r['QUERY PLAN']).join('\n');
    };
    await ds.transaction(async (m) => {
      // As Postgres does after a statement's first runs when planning costs more than it saves.
      await m.query(`SET LOCAL plan_cache_mode = force_generic_plan`);
      // A few rows, analyzed (as autovacuum would just after the first ones): a sequential scan of its one page.
      await m.query(`INSERT INTO grows SELECT g, 'x' FROM generate_series(-5, -1) g`);
      await m.query(`ANALYZE grows`);
      for (let i = 0; i < 10; i++) await preparedQuery(m, text, [[i]]);
      expect(await planOfCurrent(m)).toMatch(/Seq Scan/);
      await m.query(`INSERT INTO grows SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g`);
      for (let i = 10; i < 100; i++) expect(await preparedQuery(m, text, [[i]])).toEqual([{ v: 'x'.repeat(200) }]);
      expect(await planOfCurrent(m)).toMatch(/Index Scan|Bitmap/);
      // The replaced statements are deallocated: a connection keeps one per text.
      const prepared = (await m.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1`, [text])) as Array<{ n: number }>;
      expect(prepared[0]?.n).toBe(1);
    });
  });

  it('passes Postgres errors through with their code', async () => {
    await expect(preparedQuery(ds.manager, `INSERT INTO t VALUES ($1, 'dup')`, [2])).rejects.toMatchObject({ code: '23505' });
  });
});
