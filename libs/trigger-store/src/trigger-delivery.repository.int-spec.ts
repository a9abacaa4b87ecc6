import { createDataSource, createTestDatabase, runMigrations } from '@gennaker/persistence';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TriggerDeliveryEntity } from './entities/trigger-delivery.entity';
import { TriggerStartEntity } from './entities/trigger-start.entity';
import { TriggerTables1764150000000 } from './migrations/1764150000000-trigger-tables';
import { TriggerDeliveryRepository, type NewDelivery } from './trigger-delivery.repository';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let repo: TriggerDeliveryRepository;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource({ url: db.url, poolSize: 4, entities: [TriggerDeliveryEntity, TriggerStartEntity], migrations: [TriggerTables1764150000000] });
  await ds.initialize();
  await runMigrations(ds);
  repo = new TriggerDeliveryRepository(ds);
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

function delivery(id: string, deliveryId: string, extra: Partial<NewDelivery> = {}): NewDelivery & { id: string } {
  return {
    id,
    provider: 'github',
    deliveryId,
    accepted: true,
    signature: 'valid',
    event: 'push',
    repository: 'acme/api',
    branch: 'main',
    hash: 'a'.repeat(40),
    applications: ['app'],
    started: [{ pipelineId: 'p1', application: 'app', pipeline: 'deploy', triggerIndex: 0, executionId: `e-${id}` }],
    skipped: [{ pipelineId: 'p2', application: 'app', pipeline: 'other', triggerIndex: 0, reason: 'branch does not match' }],
    sync: null,
    message: null,
    ...extra,
  };
}

describe('TriggerDeliveryRepository.insertAcceptedMany', () => {
  it('records a batch in one statement with what each started and skipped, once per delivery id', async () => {
    const recorded = await ds.transaction((m) =>
      repo.insertAcceptedMany(m, [delivery('r1', 'd-1'), delivery('r2', 'd-2', { sync: { application: 'app', url: 'https://git/acme/api.git', branch: 'main', path: 'pipelines', status: 'pending' } }), delivery('r3', 'd-1')]),
    );
    // The second copy of d-1 in the same batch is not recorded.
    expect([...recorded].sort()).toEqual(['r1', 'r2']);
    const r2 = await repo.byId('r2');
    expect(r2).toMatchObject({ provider: 'github', deliveryId: 'd-2', accepted: true, applications: ['app'], sync: { application: 'app', status: 'pending' } });
    expect(r2?.started).toEqual([{ pipelineId: 'p1', application: 'app', pipeline: 'deploy', triggerIndex: 0, executionId: 'e-r2' }]);
    expect(r2?.skipped[0]?.reason).toBe('branch does not match');
    expect(r2?.receivedAt).toBeInstanceOf(Date);
    expect(await repo.byId('r3')).toBeNull();
  });

  it('records nothing for a delivery id accepted before, and nothing when its transaction rolls back', async () => {
    expect(await ds.transaction((m) => repo.insertAcceptedMany(m, [delivery('r4', 'd-1'), delivery('r5', 'd-5')]))).toEqual(new Set(['r5']));
    await expect(
      ds.transaction(async (m) => {
        expect(await repo.insertAcceptedMany(m, [delivery('r6', 'd-6')])).toEqual(new Set(['r6']));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await repo.byId('r6')).toBeNull();
    expect((await repo.acceptedByDeliveryId('github', 'd-1'))?.id).toBe('r1');
    expect(await ds.transaction((m) => repo.insertAcceptedMany(m, []))).toEqual(new Set());
  });
});
