import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFixture } from '../testing/local-fixture';
import { PostgresClusterLock } from './postgres-cluster-lock';

let fx: Awaited<ReturnType<typeof localFixture>>;
beforeAll(async () => {
  fx = await localFixture();
  await fx.ds.query(`CREATE TABLE fake_runs (id text PRIMARY KEY, running boolean NOT NULL)`);
});
afterAll(async () => fx?.teardown());

describe('PostgresClusterLock', () => {
  it('one owner at a time; re-entrant; released only by its owner; leases expire', async () => {
    const lock = new PostgresClusterLock(fx.ds);
    expect(await lock.acquire('a/r/c', 'e1', 60_000)).toEqual({ acquired: true });
    expect(await lock.acquire('a/r/c', 'e2', 60_000)).toEqual({ acquired: false, holder: 'e1' });
    expect(await lock.acquire('a/r/c', 'e1', 60_000)).toEqual({ acquired: true });
    await lock.release('a/r/c', 'e2');
    expect((await lock.acquire('a/r/c', 'e2', 60_000)).acquired).toBe(false);
    await lock.release('a/r/c', 'e1');
    expect(await lock.acquire('a/r/c', 'e2', 1)).toEqual({ acquired: true });
    await new Promise((r) => setTimeout(r, 20));
    expect(await lock.acquire('a/r/c', 'e3', 60_000)).toEqual({ acquired: true });
  });

  it('racing owners: exactly one wins', async () => {
    const lock = new PostgresClusterLock(fx.ds);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => lock.acquire('race', `o${i}`, 60_000)));
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    const holder = results.find((r) => !r.acquired)?.holder;
    expect(results.every((r) => r.acquired || r.holder === holder)).toBe(true);
  });

  it('the lock of an owner that ended is free at once', async () => {
    const lock = new PostgresClusterLock(fx.ds, { ownerAliveSql: 'EXISTS (SELECT 1 FROM fake_runs r WHERE r.id = cluster_locks.owner AND r.running)' });
    await fx.ds.query(`INSERT INTO fake_runs VALUES ('x1', true), ('x2', true)`);
    expect((await lock.acquire('k', 'x1', 3_600_000)).acquired).toBe(true);
    expect(await lock.acquire('k', 'x2', 3_600_000)).toEqual({ acquired: false, holder: 'x1' });
    await fx.ds.query(`UPDATE fake_runs SET running = false WHERE id = 'x1'`);
    expect(await lock.acquire('k', 'x2', 3_600_000)).toEqual({ acquired: true });
  });
});
