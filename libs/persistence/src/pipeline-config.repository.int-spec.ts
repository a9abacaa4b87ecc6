import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApplicationRepository } from './application.repository';
import { createDataSource, runMigrations } from './data-source';
import { PipelineConfigRepository } from './pipeline-config.repository';
import { createTestDatabase } from './test-database';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let pipelines: PipelineConfigRepository;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource({ url: db.url, poolSize: 4 });
  await ds.initialize();
  await runMigrations(ds);
  pipelines = new PipelineConfigRepository(ds);
  const apps = new ApplicationRepository(ds);
  await apps.insert({ name: 'locked', email: null, description: null, permissions: { READ: ['dev'], WRITE: ['ops'] }, pipelinesRepo: null, attributes: {} });
  await apps.insert({ name: 'open', email: null, description: null, permissions: null, pipelinesRepo: null, attributes: {} });
  const row = (id: string, application: string) => ({ id, application, name: id, version: 1, config: { stages: [{ refId: '1', type: 'wait', waitTime: 1 }] }, disabled: false, managedBy: null, updatedBy: null });
  await ds.transaction(async (m) => {
    await pipelines.insert(m, row('p-locked', 'locked'));
    await pipelines.insert(m, row('p-open', 'open'));
    await pipelines.insert(m, row('p-orphan', 'gone'));
  });
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

describe('PipelineConfigRepository.byIdWithPermissions', () => {
  it("reads a pipeline with its application's permissions: none set is null, no application is undefined", async () => {
    expect(await pipelines.byIdWithPermissions('p-locked')).toMatchObject({ pipeline: { id: 'p-locked', application: 'locked', version: 1 }, permissions: { READ: ['dev'], WRITE: ['ops'] } });
    expect((await pipelines.byIdWithPermissions('p-open'))?.permissions).toBeNull();
    const orphan = await pipelines.byIdWithPermissions('p-orphan');
    expect(orphan?.pipeline.config).toEqual({ stages: [{ refId: '1', type: 'wait', waitTime: 1 }] });
    expect(orphan?.permissions).toBeUndefined();
    expect(await pipelines.byIdWithPermissions('nope')).toBeNull();
  });

  it('answers requests arriving together with one statement, each with objects of its own', async () => {
    // A statement outside a transaction takes a pooled connection for itself.
    const pool = (ds.driver as unknown as { master: { connect: (...args: unknown[]) => unknown } }).master;
    const query = vi.spyOn(pool, 'connect');
    const ids = ['p-locked', 'p-open', 'p-locked', 'nope', 'p-orphan', 'p-locked'];
    const found = await Promise.all(ids.map((id) => pipelines.byIdWithPermissions(id)));
    expect(found.map((f) => f?.pipeline.id ?? null)).toEqual(['p-locked', 'p-open', 'p-locked', null, 'p-orphan', 'p-locked']);
    // The first goes at once; the five asked while it ran share the next statement.
    expect(query).toHaveBeenCalledTimes(2);
    query.mockRestore();
    // Changing what one request got changes nothing for another.
    (found[0]!.pipeline.config['stages'] as unknown[]).push('changed');
    (found[0]!.permissions as Record<string, string[]>)['READ']!.push('changed');
    expect(found[2]!.pipeline.config['stages']).toHaveLength(1);
    expect(found[5]!.permissions).toEqual({ READ: ['dev'], WRITE: ['ops'] });
    expect(found[2]!.pipeline).not.toBe(found[5]!.pipeline);
  });

  it('sees a change committed before it asked', async () => {
    await ds.query(`UPDATE applications SET permissions = '{"READ":["qa"]}' WHERE name = 'open'`);
    expect((await pipelines.byIdWithPermissions('p-open'))?.permissions).toEqual({ READ: ['qa'] });
  });
});

