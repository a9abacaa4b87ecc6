// Group commit, in process against a real Postgres: several waiting messages of different
// executions are applied by one transaction, and a message that fails there is retried alone, so
// its failure stays its own (the others commit; its outbox row stays for BullMQ's retry).
import { createExecution, StageRegistry, type EngineMessage, type StageDefinition, type TaskImplementation } from '@gennaker/engine';
import { literalExpressions } from '@gennaker/engine/testing';
import {
  CORE_MIGRATIONS,
  createDataSource,
  createTestDatabase,
  ExecutionRepository,
  OutboxRepository,
  outboxRows,
  runMigrations,
  type PipelineConfigRepository,
  type StoredOutboxMessage,
} from '@gennaker/persistence';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OutboxDispatcher } from './dispatcher.service';
import { EngineService } from './engine.service';
import type { EventBus } from './event-bus.service';
import { readRuntimeSettings } from './settings';

const noopStage: StageDefinition = { type: 'noop', label: 'No-op', description: 'does nothing', taskTypes: ['noop'], plan: () => ({ tasks: [{ name: 'noop', type: 'noop' }] }) };
const noopTask: TaskImplementation = { type: 'noop', inline: true, execute: async () => ({ status: 'SUCCEEDED' }) };

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let executions: ExecutionRepository;
let engine: EngineService;
const dispatched: StoredOutboxMessage[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource({ url: db.url, poolSize: 8 });
  await ds.initialize();
  await runMigrations(ds);
  expect(CORE_MIGRATIONS.length).toBeGreaterThan(0);
  executions = new ExecutionRepository(ds);
  // Only runs using #pipelineId ask for pipeline ids: application "boom" makes that step throw.
  const pipelines = {
    idsByName: async (application: string) => {
      if (application === 'boom') throw new Error('pipeline ids unavailable');
      return {};
    },
  } as unknown as PipelineConfigRepository;
  const dispatcher = { dispatch: async (rows: StoredOutboxMessage[]) => void dispatched.push(...rows), remove: async () => undefined } as unknown as OutboxDispatcher;
  const events = { publish: async () => undefined, publishCancel: async () => undefined } as unknown as EventBus;
  const settings = { ...readRuntimeSettings(), groupCommit: 32, inlineTasks: true, worker: false };
  engine = new EngineService(ds, executions, new OutboxRepository(ds), pipelines, new StageRegistry([noopStage], [noopTask]), literalExpressions, dispatcher, events, settings);
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

/** Stores a new run of `application` with its start message; returns the message. */
async function newRun(application: string, options: { pipelineConfigId?: string; status?: 'BUFFERED'; manager?: EntityManager } = {}): Promise<{ outboxId: string; message: EngineMessage & { executionId: string } }> {
  const e = createExecution({
    id: randomUUID(),
    type: 'PIPELINE',
    // Unlimited: a start takes no pipeline lock, so an ending run's check is what the tests see.
    config: { application, name: 'p', limitConcurrent: false, stages: [{ refId: '1', type: 'noop', note: application === 'boom' ? '${#pipelineId("x")}' : 'plain' }] },
    pipelineConfigId: options.pipelineConfigId ?? null,
    trigger: {},
    now: Date.now(),
    newId: randomUUID,
  });
  if (options.status) e.status = options.status;
  const message = { type: 'StartExecution' as const, executionId: e.id };
  const outboxId = randomUUID();
  const rows = outboxRows([{ id: outboxId, executionId: e.id, type: message.type, queue: 'engine', payload: message, deliverAt: Date.now() }], true);
  if (options.manager) await executions.insert(options.manager, e, rows);
  else await ds.transaction((m) => executions.insert(m, e, rows));
  return { outboxId, message };
}

const statusOf = async (id: string) => (await executions.load(id))?.status;
const pending = async (outboxId: string) => ((await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE id = $1`, [outboxId])) as Array<{ n: number }>)[0]?.n;

describe('group commit', () => {
  it('applies waiting messages of different executions in one transaction', async () => {
    const commits = vi.spyOn(executions, 'commitMany');
    const runs = await Promise.all(Array.from({ length: 8 }, () => newRun('ok')));
    // Handed over together, as a worker's concurrent jobs are: the first two start groups of their
    // own at once, the rest wait for one of them and go together.
    await Promise.all(runs.map((r) => engine.handleMessage(r.outboxId, r.message)));
    for (const r of runs) {
      expect(await statusOf(r.message.executionId)).toBe('SUCCEEDED');
      expect(await pending(r.outboxId)).toBe(0);
    }
    expect(Math.max(...commits.mock.calls.map(([, items]) => items.length))).toBeGreaterThan(1);
    commits.mockRestore();
  });

  it('applies each message of a failed group alone: only the failing one fails, and its message stays', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const runs = [...(await Promise.all(Array.from({ length: 5 }, () => newRun('ok')))), await newRun('boom')];
    const outcomes = await Promise.allSettled(runs.map((r) => engine.handleMessage(r.outboxId, r.message)));
    expect(warn.mock.calls.some(([msg]) => /a group of \d+ messages failed .*pipeline ids unavailable.*applying each alone/.test(String(msg)))).toBe(true);
    warn.mockRestore();
    expect(outcomes.slice(0, 5).map((o) => o.status)).toEqual(Array(5).fill('fulfilled'));
    expect(outcomes[5]).toMatchObject({ status: 'rejected', reason: { message: 'pipeline ids unavailable' } });
    for (const r of runs.slice(0, 5)) expect(await statusOf(r.message.executionId)).toBe('SUCCEEDED');
    const boom = runs[5]!;
    expect(await statusOf(boom.message.executionId)).toBe('NOT_STARTED');
    expect(await pending(boom.outboxId)).toBe(1);
  });

  it('an ending run sees a waiting run whose start committed while the end waited for the pipeline lock', async () => {
    // A limited start holds the pipeline's lock while it decides to wait (BUFFERED) and commits.
    // A run of the same pipeline ending meanwhile must see it once it gets the lock, and ask for
    // the waiting runs to start; otherwise the waiting run waits for the next end (or the sweep).
    const pipelineConfigId = `pc-${randomUUID()}`;
    const ending = await newRun('ok', { pipelineConfigId });
    const start = ds.createQueryRunner();
    await start.connect();
    await start.startTransaction();
    await start.query(`SELECT pg_advisory_xact_lock(hashtext('pipeline:' || $1))`, [pipelineConfigId]);
    await newRun('ok', { pipelineConfigId, status: 'BUFFERED', manager: start.manager });
    dispatched.length = 0;
    const ended = engine.handleMessage(ending.outboxId, ending.message);
    // The end waits for the lock (another backend's advisory lock not granted), then the start commits.
    await vi.waitFor(async () => {
      const rows = (await ds.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)) as Array<{ n: number }>;
      expect(rows[0]?.n).toBe(1);
    }, { timeout: 10_000, interval: 20 });
    await start.commitTransaction();
    await start.release();
    await ended;
    expect(await statusOf(ending.message.executionId)).toBe('SUCCEEDED');
    expect(dispatched.filter((m) => m.type === 'StartWaitingExecutions').map((m) => (m.payload as { pipelineConfigId?: string }).pipelineConfigId)).toEqual([pipelineConfigId]);
  });

  it('an ending run with no waiting run of its pipeline asks for nothing', async () => {
    const run = await newRun('ok', { pipelineConfigId: `pc-${randomUUID()}` });
    dispatched.length = 0;
    await engine.handleMessage(run.outboxId, run.message);
    expect(await statusOf(run.message.executionId)).toBe('SUCCEEDED');
    expect(dispatched.filter((m) => m.type === 'StartWaitingExecutions')).toEqual([]);
  });
});
