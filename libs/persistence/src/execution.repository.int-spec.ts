import { createExecution } from '@gennaker/engine';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_MIGRATIONS, createDataSource, runMigrations } from './data-source';
import { ExecutionRepository } from './execution.repository';
import { OutboxRepository, outboxRows } from './outbox.repository';
import { createTestDatabase } from './test-database';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let repo: ExecutionRepository;
let outbox: OutboxRepository;
let ids = 0;
const newId = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource({ url: db.url });
  await ds.initialize();
  expect(await runMigrations(ds)).toEqual(CORE_MIGRATIONS.map((m) => m.name));
  repo = new ExecutionRepository(ds);
  outbox = new OutboxRepository(ds);
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

/** Waits until a session of this database waits for a lock (a test's second transaction). */
async function waitUntilBlocked(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const rows = (await ds.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)) as Array<{ n: number }>;
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the second transaction never waited for the lock');
}

describe('migrations', () => {
  it('are idempotent and agree with the entities', async () => {
    expect(await runMigrations(ds)).toEqual([]);
    const pending = await ds.driver.createSchemaBuilder().log();
    // Only the partial/descending indexes TypeORM cannot express may differ; no table or column may.
    const statements = pending.upQueries.map((q) => q.query).filter((q) => !/INDEX/i.test(q));
    expect(statements).toEqual([]);
  });
});

describe('ExecutionRepository', () => {
  it('stores an execution and reads the same back, then stores only what changed', async () => {
    const e = createExecution({
      id: newId(),
      type: 'PIPELINE',
      config: { application: 'app', name: 'p', stages: [{ refId: '1', type: 'wait', waitTime: 5 }, { refId: '2', type: 'wait', requisiteStageRefIds: ['1'] }] },
      pipelineConfigId: 'cfg',
      trigger: { type: 'manual', user: 'alice', parameters: { a: '1' } },
      now: Date.UTC(2026, 0, 1),
      newId,
    });
    const start = { id: newId(), executionId: e.id, type: 'StartExecution', queue: 'engine', payload: { type: 'StartExecution', executionId: e.id }, deliverAt: Date.now() };
    const stored = await ds.transaction((m) => repo.insert(m, e, outboxRows([start], true)));
    expect(stored.map((r) => ({ id: r['id'], type: r['type'], inserted: r['inserted'] }))).toEqual([{ id: start.id, type: 'StartExecution', inserted: true }]);
    const loaded = await repo.load(e.id);
    expect(loaded).toEqual(e);

    const before = repo.snapshot(loaded!);
    const s1 = loaded!.stages[0]!;
    s1.status = 'RUNNING';
    s1.startTime = Date.UTC(2026, 0, 1, 0, 0, 1);
    s1.tasks.push({ id: newId(), name: 'wait', type: 'wait', status: 'RUNNING', startTime: s1.startTime, endTime: null, attempts: 0, pausedMs: 0, lastError: null });
    loaded!.status = 'RUNNING';
    await ds.transaction(async (m) => {
      expect(await repo.lock(m, e.id)).toEqual({ version: 1 });
      await repo.commit(m, before, loaded!, { rows: [], dropPending: false });
    });
    expect(await repo.load(e.id)).toEqual(loaded);

    // Removing a stage's tasks (a restart) deletes their rows.
    const before2 = repo.snapshot(loaded!);
    s1.tasks = [];
    await ds.transaction((m) => repo.commit(m, before2, loaded!, { rows: [], dropPending: false }));
    expect((await repo.load(e.id))!.stages[0]!.tasks).toEqual([]);
  });

  it('loads an execution with whether one of its messages is still pending, in one read', async () => {
    const e = createExecution({ id: newId(), type: 'PIPELINE', config: { application: 'app', name: 'lp', stages: [{ refId: '1', type: 'wait', waitTime: 1 }] }, pipelineConfigId: null, trigger: {}, now: Date.now(), newId });
    const run = { id: newId(), executionId: e.id, type: 'RunTask', queue: 'tasks', payload: {}, deliverAt: Date.now() };
    await ds.transaction((m) => repo.insert(m, e, outboxRows([run], true)));
    const loaded = await repo.loadWithPending(e.id, run.id);
    expect(loaded).toEqual({ execution: e, pending: true, woken: false });
    expect(repo.versionOf(loaded!.execution)).toBe(1);
    await ds.query(`UPDATE outbox SET woken = true WHERE id = $1`, [run.id]);
    expect((await repo.loadWithPending(e.id, run.id))?.woken).toBe(true);
    await ds.transaction((m) => repo.lockAndTake(m, e.id, run.id));
    expect(await repo.loadWithPending(e.id, run.id)).toEqual({ execution: e, pending: false, woken: false });
    expect(await repo.loadWithPending(newId(), run.id)).toBeNull();
  });

  it('locks an execution and takes the message being handled in one statement, only once the lock is held', async () => {
    const e = createExecution({ id: newId(), type: 'PIPELINE', config: { application: 'app', name: 'lt', stages: [] }, pipelineConfigId: null, trigger: {}, now: Date.now(), newId });
    const msg = (id: string) => ({ id, executionId: e.id, type: 'StartExecution', queue: 'engine', payload: {}, deliverAt: Date.now() });
    const first = msg(newId());
    await ds.transaction((m) => repo.insert(m, e, outboxRows([first], true)));
    expect(await ds.transaction((m) => repo.lockAndTake(m, e.id, first.id))).toEqual({ version: 1, taken: { woken: false } });
    expect(await ds.transaction((m) => repo.lockAndTake(m, e.id, first.id))).toEqual({ version: 1, taken: null });
    // An execution that does not exist: null, and the message is left for the caller to drop.
    const orphan = { ...msg(newId()), executionId: null };
    await ds.transaction((m) => outbox.add(m, [orphan], true));
    expect(await ds.transaction((m) => repo.lockAndTake(m, newId(), orphan.id))).toBeNull();
    expect(await outbox.exists(orphan.id)).toBe(true);

    // A transaction holding the lock deletes the message (a finished execution drops its pending
    // ones): the taker waits for the lock, then finds the message gone; no deadlock.
    const second = msg(newId());
    await ds.transaction((m) => outbox.add(m, [second], true));
    const holder = ds.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT 1 FROM executions WHERE id = $1 FOR UPDATE`, [e.id]);
    const taker = ds.transaction((m) => repo.lockAndTake(m, e.id, second.id));
    await waitUntilBlocked();
    await holder.query(`DELETE FROM outbox WHERE id = $1`, [second.id]);
    await holder.commitTransaction();
    await holder.release();
    expect(await taker).toEqual({ version: 1, taken: null });
  });

  it('locks, takes and loads in one statement, and gives no copy when a change committed while it waited for the lock', async () => {
    const e = createExecution({ id: newId(), type: 'PIPELINE', config: { application: 'app', name: 'ltl', stages: [{ refId: '1', type: 'wait', waitTime: 5 }] }, pipelineConfigId: null, trigger: {}, now: Date.now(), newId });
    const msg = () => ({ id: newId(), executionId: e.id, type: 'StartExecution', queue: 'engine', payload: {}, deliverAt: Date.now() });
    const first = msg();
    await ds.transaction((m) => repo.insert(m, e, outboxRows([first], true)));
    const got = await ds.transaction((m) => repo.lockTakeAndLoad(m, e.id, first.id));
    expect(got).toMatchObject({ version: 1, taken: { woken: false } });
    expect(got?.execution?.stages.map((st) => st.refId)).toEqual(['1']);
    expect(await ds.transaction((m) => repo.lockTakeAndLoad(m, e.id, first.id))).toEqual({ version: 1, taken: null, execution: null });
    expect(await ds.transaction((m) => repo.lockTakeAndLoad(m, newId(), first.id))).toBeNull();

    // Another transaction holds the lock and stores a change: the statement's snapshot predates
    // it, so the copy it read is stale and it must not be used.
    const second = msg();
    await ds.transaction((m) => outbox.add(m, [second], true));
    const loaded = (await repo.load(e.id))!;
    const before = repo.snapshot(loaded);
    const holder = ds.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT 1 FROM executions WHERE id = $1 FOR UPDATE`, [e.id]);
    const taker = ds.transaction((m) => repo.lockTakeAndLoad(m, e.id, second.id));
    await waitUntilBlocked();
    loaded.stages[0]!.name = 'renamed while the taker waited';
    await repo.commit(holder.manager, before, loaded, { rows: [], dropPending: false });
    await holder.commitTransaction();
    await holder.release();
    expect(await taker).toEqual({ version: 2, taken: { woken: false }, execution: null });
    expect((await repo.load(e.id))?.stages[0]?.name).toBe('renamed while the taker waited');
  });

  it('stores a step without a lock held only when the execution and its message are as read, else writes nothing', async () => {
    const e = createExecution({ id: newId(), type: 'PIPELINE', config: { application: 'app', name: 'guarded', stages: [{ refId: '1', type: 'wait', waitTime: 5 }] }, pipelineConfigId: null, trigger: {}, now: Date.now(), newId });
    const message = { id: newId(), executionId: e.id, type: 'StartExecution', queue: 'engine', payload: {}, deliverAt: Date.now() };
    await ds.transaction((m) => repo.insert(m, e, outboxRows([message], true)));
    const step = async (guard: { version: number; woken: boolean }, name: string) => {
      const read = (await repo.loadWithPending(e.id, message.id))!;
      const before = repo.snapshot(read.execution);
      read.execution.stages[0]!.name = name;
      return repo.commitMany(ds.manager, [{ before, execution: read.execution, outboxRows: [], dropPending: false }], [], [], { executionId: e.id, outboxId: message.id, ...guard });
    };
    const nameNow = async () => (await repo.load(e.id))?.stages[0]?.name;
    // Changed since it was read (another version), or the message was woken since: nothing written.
    expect((await step({ version: 7, woken: false }, 'stale version')).applied).toBe(false);
    expect((await step({ version: 1, woken: true }, 'stale message')).applied).toBe(false);
    expect(await nameNow()).not.toMatch(/stale/);
    expect(await outbox.exists(message.id)).toBe(true);
    // As read: stored, the version bumped and the message taken.
    expect((await step({ version: 1, woken: false }, 'stored')).applied).toBe(true);
    expect(await nameNow()).toBe('stored');
    expect(repo.versionOf((await repo.load(e.id))!)).toBe(2);
    expect(await outbox.exists(message.id)).toBe(false);
    // The message was handled already: nothing written.
    expect((await step({ version: 2, woken: false }, 'twice')).applied).toBe(false);
    expect(await nameNow()).toBe('stored');
  });

  it('stores the transitions of several executions in one statement, and deletes the messages they handled', async () => {
    const make = (name: string) =>
      createExecution({ id: newId(), type: 'PIPELINE', config: { application: 'app', name, stages: [{ refId: '1', type: 'wait', waitTime: 5 }] }, pipelineConfigId: null, trigger: {}, now: Date.now(), newId });
    const msg = (executionId: string, type = 'StartExecution') => ({ id: newId(), executionId, type, queue: 'engine', payload: {}, deliverAt: Date.now() });
    const [a, b] = [make('group-a'), make('group-b')];
    const [startA, startB, pollB] = [msg(a.id), msg(b.id), msg(b.id, 'RunTask')];
    await ds.transaction((m) => repo.insert(m, a, outboxRows([startA], true)));
    await ds.transaction((m) => repo.insert(m, b, outboxRows([startB, pollB], true)));

    const next = msg(a.id, 'StartStage');
    const versions = await ds.transaction(async (m) => {
      expect(await repo.lockMany(m, [b.id, a.id, newId()])).toEqual(new Set([a.id, b.id]));
      const loaded = await repo.loadMany(m, [a.id, b.id], [startA.id, startB.id, newId()]);
      const byId = new Map(loaded.map((l) => [l.execution.id, l]));
      expect(byId.get(a.id)?.pending).toEqual(new Map([[startA.id, { woken: false }]]));
      expect(byId.get(b.id)?.pending).toEqual(new Map([[startB.id, { woken: false }]]));
      const ea = byId.get(a.id)!.execution;
      const eb = byId.get(b.id)!.execution;
      const [beforeA, beforeB] = [repo.snapshot(ea), repo.snapshot(eb)];
      ea.status = 'RUNNING';
      ea.stages[0]!.status = 'RUNNING';
      eb.status = 'CANCELED';
      const result = await repo.commitMany(
        m,
        [
          { before: beforeA, execution: ea, outboxRows: outboxRows([next], true), dropPending: false },
          // b finished: its other pending messages (the poll) go, the one it handled is taken.
          { before: beforeB, execution: eb, outboxRows: [], dropPending: true },
        ],
        [startA.id, startB.id],
      );
      expect(result.stored.map((r) => r['id'])).toEqual([next.id]);
      expect(result.dropped).toEqual([{ id: pollB.id, queue: 'engine' }]);
      return [repo.versionOf(ea), repo.versionOf(eb)];
    });
    expect(versions).toEqual([2, 2]);
    expect((await repo.load(a.id))!.stages[0]!.status).toBe('RUNNING');
    expect((await repo.load(b.id))!.status).toBe('CANCELED');
    const left = (await ds.query(`SELECT id FROM outbox WHERE execution_id = ANY($1) ORDER BY id`, [[a.id, b.id]])) as Array<{ id: string }>;
    expect(left.map((r) => r.id)).toEqual([next.id]);
  });

  it('stores several new executions, their messages and their other rows in one statement, all or none', async () => {
    await ds.query(`CREATE TABLE IF NOT EXISTS insert_many_notes (execution_id text PRIMARY KEY, note text NOT NULL)`);
    const make = () => createExecution({ id: newId(), type: 'PIPELINE', config: { application: 'app', name: 'many', stages: [{ refId: '1', type: 'wait' }] }, pipelineConfigId: null, trigger: {}, now: Date.now(), newId });
    const item = (e: ReturnType<typeof make>, note: string | null) => ({
      execution: e,
      outboxRows: outboxRows([{ id: newId(), executionId: e.id, type: 'StartExecution', queue: 'engine', payload: {}, deliverAt: Date.now() }], true),
      also: [{ table: 'insert_many_notes', columns: ['execution_id', 'note'], rows: [{ execution_id: e.id, note }] }],
    });
    const [a, b] = [make(), make()];
    const stored = await repo.insertMany(ds.manager, [item(a, 'a'), item(b, 'b')]);
    expect(stored.map((r) => r['execution_id']).sort()).toEqual([a.id, b.id].sort());
    expect(await repo.load(a.id)).toEqual(a);
    expect(await repo.load(b.id)).toEqual(b);
    expect(await ds.query(`SELECT note FROM insert_many_notes WHERE execution_id = ANY($1) ORDER BY note`, [[a.id, b.id]])).toEqual([{ note: 'a' }, { note: 'b' }]);
    // One bad row (a null note) stores nothing of the others.
    const [c, d] = [make(), make()];
    await expect(repo.insertMany(ds.manager, [item(c, 'c'), item(d, null)])).rejects.toThrow();
    expect(await repo.load(c.id)).toBeNull();
    expect(await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE execution_id = ANY($1)`, [[c.id, d.id]])).toEqual([{ n: 0 }]);
  });

  it('pages executions newest first with a cursor', async () => {
    for (let i = 0; i < 5; i++) {
      const e = createExecution({
        id: newId(),
        type: 'PIPELINE',
        config: { application: 'paging', name: 'p', stages: [] },
        pipelineConfigId: 'cfg2',
        trigger: {},
        now: Date.UTC(2026, 0, 2, 0, i),
        newId,
      });
      await ds.transaction((m) => repo.insert(m, e));
    }
    const first = await repo.list({ application: 'paging', limit: 2 });
    expect(first.items.map((i) => i.buildTime)).toEqual([Date.UTC(2026, 0, 2, 0, 4), Date.UTC(2026, 0, 2, 0, 3)]);
    const second = await repo.list({ application: 'paging', limit: 2, cursor: first.nextCursor });
    expect(second.items.map((i) => i.buildTime)).toEqual([Date.UTC(2026, 0, 2, 0, 2), Date.UTC(2026, 0, 2, 0, 1)]);
    const third = await repo.list({ application: 'paging', limit: 2, cursor: second.nextCursor });
    expect(third.items).toHaveLength(1);
    expect(third.nextCursor).toBeNull();
  });
});

describe('ExecutionRepository on a table of many executions', () => {
  it('stores a step by reading the execution by its key, not by scanning every execution', async () => {
    const e = createExecution({ id: newId(), type: 'PIPELINE', config: { application: 'scan', name: 's', stages: [{ refId: '1', type: 'wait', waitTime: 1 }] }, pipelineConfigId: null, trigger: {}, now: Date.now(), newId });
    await ds.transaction((m) => repo.insert(m, e));
    // Enough other executions that reading them all costs, as in a real install; then planned as the server would.
    await ds.query(
      `INSERT INTO executions SELECT (jsonb_populate_record(x, jsonb_build_object('id', 'scan-' || g, 'application', 'scan-copies'))).* FROM executions x, generate_series(1, 2000) g WHERE x.id = $1`,
      [e.id],
    );
    await ds.query('ANALYZE executions');
    try {
      const loaded = (await repo.load(e.id))!;
      const before = repo.snapshot(loaded);
      loaded.status = 'RUNNING';
      const scans = await ds.transaction(async (m) => {
        await repo.lock(m, e.id);
        await repo.commit(m, before, loaded, { rows: [], dropPending: false });
        // This transaction's own scans, not yet reported to the statistics.
        const rows = (await m.query(`SELECT seq_scan::int AS n FROM pg_stat_xact_user_tables WHERE relname = 'executions'`)) as Array<{ n: number }>;
        return rows[0]?.n ?? 0;
      });
      expect(scans).toBe(0);
      expect((await repo.load(e.id))!.status).toBe('RUNNING');
    } finally {
      await ds.query(`DELETE FROM executions WHERE application = 'scan-copies'`);
    }
  });
});

describe('OutboxRepository', () => {
  it('merges a message into a pending one with the same dedupe key and moves it earlier', async () => {
    const now = Date.now();
    const [a] = await ds.transaction((m) =>
      outbox.add(m, [{ id: newId(), executionId: 'x', type: 'RunTask', queue: 'tasks', payload: {}, deliverAt: now + 60_000, dedupeKey: 'run:t1' }], true),
    );
    expect(a!.inserted).toBe(true);
    const [b] = await ds.transaction((m) =>
      outbox.add(m, [{ id: newId(), executionId: 'x', type: 'RunTask', queue: 'tasks', payload: {}, deliverAt: now, dedupeKey: 'run:t1' }], true),
    );
    expect(b!.inserted).toBe(false);
    expect(b!.id).toBe(a!.id);
    expect(b!.deliverAt).toBe(now);
    expect(await ds.transaction((m) => outbox.take(m, a!.id))).toEqual({ woken: true });
    expect(await ds.transaction((m) => outbox.take(m, a!.id))).toBeNull();
  });

  it('takes handled messages in a transaction of its own that does not wait for the flush, and leaves the session as it was', async () => {
    // One connection, so the next statement runs in the session that took the messages.
    const one = createDataSource({ url: db.url, poolSize: 1 });
    await one.initialize();
    try {
      const single = new OutboxRepository(one);
      const rows = await ds.transaction((m) =>
        outbox.add(m, [1, 2].map(() => ({ id: newId(), executionId: 'x', type: 'ExecutionFinished', queue: 'engine', payload: {}, deliverAt: Date.now() })), true),
      );
      await single.takeMany(rows.map((r) => r.id));
      const left = (await one.query(`SELECT count(*)::int AS n FROM outbox WHERE id = ANY($1::text[])`, [rows.map((r) => r.id)])) as Array<{ n: number }>;
      expect(left[0]?.n).toBe(0);
      // synchronous_commit was off for that transaction only.
      expect(((await one.query(`SHOW synchronous_commit`)) as Array<{ synchronous_commit: string }>)[0]?.synchronous_commit).toBe('on');
    } finally {
      await one.destroy();
    }
  });
});
