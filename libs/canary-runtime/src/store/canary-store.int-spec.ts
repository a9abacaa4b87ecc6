import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanaryConfigEntity } from '../entities/canary-config.entity';
import { CanaryIntervalEntity } from '../entities/canary-interval.entity';
import { CanaryResultEntity } from '../entities/canary-result.entity';
import { CanaryTables1764190000000 } from '../migrations/1764190000000-canary-tables';
import { canaryTestDatabase } from '../testing/canary-test-database';
import { CanaryConfigRepository } from './canary-config.repository';
import { CanaryResultRepository } from './canary-result.repository';

let db: Awaited<ReturnType<typeof canaryTestDatabase>>;
let configs: CanaryConfigRepository;
let results: CanaryResultRepository;

beforeAll(async () => {
  db = await canaryTestDatabase([CanaryConfigEntity, CanaryResultEntity, CanaryIntervalEntity], [CanaryTables1764190000000]);
  configs = new CanaryConfigRepository(db.ds);
  results = new CanaryResultRepository(db.ds);
});
afterAll(async () => {
  await db?.drop();
});

describe('canary tables', () => {
  it('the migration agrees with the entities', async () => {
    const pending = await db.ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});

describe('CanaryConfigRepository', () => {
  it('creates, replaces by id, finds by name, and pages by name within an application', async () => {
    const a = await configs.save({ id: 'c1', name: 'alpha', applications: ['hello'], config: { name: 'alpha', metrics: [] }, updatedBy: 'ann' });
    expect(a.created).toBe(true);
    expect(a.stored).toMatchObject({ id: 'c1', name: 'alpha', applications: ['hello'], config: { id: 'c1', name: 'alpha' }, updatedBy: 'ann' });
    const b = await configs.save({ id: 'c1', name: 'alpha', applications: ['hello'], config: { name: 'alpha', description: 'v2' }, updatedBy: 'bob' });
    expect(b.created).toBe(false);
    expect(b.stored.config['description']).toBe('v2');
    expect(b.stored.createdAt.getTime()).toBe(a.stored.createdAt.getTime());
    expect((await configs.byName('alpha'))?.id).toBe('c1');
    await configs.save({ id: 'c2', name: 'beta', applications: ['hello'], config: { name: 'beta' }, updatedBy: null });
    await configs.save({ id: 'c3', name: 'gamma', applications: ['other'], config: { name: 'gamma' }, updatedBy: null });
    const p1 = await configs.list({ application: 'hello', limit: 1 });
    expect(p1.items.map((c) => c.name)).toEqual(['alpha']);
    const p2 = await configs.list({ application: 'hello', limit: 1, cursor: p1.nextCursor });
    expect(p2).toMatchObject({ items: [{ name: 'beta' }], nextCursor: null });
    expect((await configs.list({ limit: 10 })).items).toHaveLength(3);
  });

  it('refuses a second config with a taken name (the unique index)', async () => {
    await expect(configs.save({ id: 'c9', name: 'alpha', applications: [], config: {}, updatedBy: null })).rejects.toMatchObject({ code: '23505' });
  });
});

describe('CanaryResultRepository', () => {
  const run = { id: 'r1', executionId: 'e1', stageId: 's1', application: 'hello', configId: 'c1', configName: 'alpha', config: { name: 'alpha' }, details: { windows: [] }, startTime: new Date() };
  const interval = (index: number, score: number) => ({
    resultId: 'r1',
    index,
    startTime: new Date(1000),
    endTime: new Date(2000 + index),
    judgedAt: new Date(),
    score,
    classification: score >= 75 ? 'Pass' : 'Fail',
    judgment: { metrics: [{ name: 'm', deviation: Number.NaN, control: [1, 2], experiment: [3] }] },
  });

  it('creates a run once (a retried task finds it), upserts intervals, shows the latest score', async () => {
    await results.create(run);
    await results.create({ ...run, configName: 'changed' });
    expect(await results.get('r1')).toMatchObject({ status: 'RUNNING', configName: 'alpha', score: null });
    await results.saveInterval(interval(0, 50));
    await results.saveInterval(interval(0, 100));
    await results.saveInterval(interval(1, 80));
    // A late retry of an earlier interval does not move the run's latest score back.
    await results.saveInterval(interval(0, 100));
    const rows = await results.intervals('r1');
    expect(rows.map((r) => [r.index, r.score])).toEqual([
      [0, 100],
      [1, 80],
    ]);
    expect((rows[0]!.judgment['metrics'] as Array<{ deviation: unknown }>)[0]!.deviation).toBeNull();
    expect((await results.get('r1'))?.score).toBe(80);
  });

  it('records how a run ended once: a late cancel does not overwrite the verdict', async () => {
    await results.finish('r1', { status: 'RUNNING', classification: 'Marginal', score: 60, message: 'awaiting judgment', ended: false });
    expect(await results.get('r1')).toMatchObject({ status: 'RUNNING', classification: 'Marginal', endTime: null });
    await results.finish('r1', { status: 'SUCCEEDED', classification: null, score: null, message: 'continued', ended: true });
    await results.finish('r1', { status: 'CANCELED', classification: null, score: null, message: 'canceled', ended: true });
    const r = await results.get('r1');
    expect(r).toMatchObject({ status: 'SUCCEEDED', classification: 'Marginal', score: 60, message: 'continued' });
    expect(r?.endTime).toBeInstanceOf(Date);
    expect((await results.byExecution('e1')).map((x) => x.id)).toEqual(['r1']);
  });
});
