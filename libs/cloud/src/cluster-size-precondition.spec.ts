import { describe, expect, it } from 'vitest';
import type { TaskInput } from '@gennaker/engine';
import { ProviderRegistry } from './provider-registry';
import { clusterSizePreconditionTask } from './tasks/cluster-size-precondition.task';
import { InMemoryClusterLock, InMemoryProvider } from './testing';

function input(context: Record<string, unknown>): TaskInput {
  return { stage: { context: { context } } } as unknown as TaskInput;
}

describe('clusterSize precondition', () => {
  const provider = new InMemoryProvider();
  for (const [name, t] of [['app-prod-v001', 1], ['app-prod-v002', 2]] as const) {
    provider.seed({ account: 'test', region: 'r1', name, application: 'app', image: { id: 'i' }, capacity: { min: 1, max: 1, desired: 1 }, createdTime: t, enabled: name.endsWith('2') });
  }
  const task = clusterSizePreconditionTask({ providers: new ProviderRegistry([provider]), lock: new InMemoryClusterLock() });
  const ctx = { cluster: 'app-prod', credentials: 'test', regions: ['r1', 'r2'] };

  it('compares the number of server groups per region', async () => {
    expect((await task.execute(input({ ...ctx, regions: ['r1'], comparison: '==', expected: 2 }))).status).toBe('SUCCEEDED');
    expect((await task.execute(input({ ...ctx, regions: ['r1'], comparison: '==', expected: 1, onlyEnabledServerGroups: true }))).status).toBe('SUCCEEDED');
    const r = await task.execute(input({ ...ctx, comparison: '<=', expected: 1 }));
    expect(r.status).toBe('TERMINAL');
    expect(r.error?.message).toBe('precondition failed: cluster app-prod should have <= 1 server groups, but r1 has 2');
    expect(r.context).toEqual({ clusterSizes: { r1: 2, r2: 0 } });
  });

  it('bad input names the field below /context', async () => {
    await expect(task.execute(input({ ...ctx, credentials: 'nope', comparison: '==' }))).rejects.toMatchObject({ details: [{ pointer: '/context/credentials' }] });
    await expect(task.execute(input({ ...ctx, comparison: '~' }))).rejects.toMatchObject({ details: [{ pointer: '/context/comparison' }] });
  });
});
