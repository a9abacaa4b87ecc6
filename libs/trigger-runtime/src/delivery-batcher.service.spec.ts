import { describe, expect, it } from 'vitest';
import { DeliveryBatcher } from './delivery-batcher.service';
import { TxLimiter } from './tx-limiter.service';

/** A DataSource stand-in that counts transactions and holds each one open for a moment. */
function fakeDataSource() {
  const ds = {
    transactions: 0,
    async transaction<T>(fn: (m: unknown) => Promise<T>): Promise<T> {
      ds.transactions++;
      const r = await fn({ tx: ds.transactions });
      await new Promise((res) => setTimeout(res, 5));
      return r;
    },
  };
  return ds;
}

describe('DeliveryBatcher', () => {
  it('records a burst in a few transactions and answers each delivery with its own result', async () => {
    const ds = fakeDataSource();
    const batcher = new DeliveryBatcher<unknown, any>(ds as never, new TxLimiter({ dbPoolSize: 20 } as never), async (_m, plans) => plans);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => batcher.submit(async (m) => ({ i, m }))));
    expect(results.map((r) => r.i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // The first two go at once, alone; the 98 that arrive meanwhile share 4 transactions (32 at most each).
    expect(ds.transactions).toBe(6);
  });

  it('stores the plans of a batch together, after every plan of it, in its transaction', async () => {
    const ds = fakeDataSource();
    const stores: Array<{ m: unknown; plans: number[] }> = [];
    const planned: number[] = [];
    const batcher = new DeliveryBatcher<number, string>(ds as never, new TxLimiter({ dbPoolSize: 20 } as never), async (m, plans) => {
      // Every plan of the batch was made before it is stored.
      expect(plans.every((p) => planned.includes(p))).toBe(true);
      stores.push({ m, plans });
      return plans.map((p) => `stored ${p}`);
    });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.submit(async () => (planned.push(i), i))));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => `stored ${i}`));
    // One store per transaction: the first two alone, the eight arriving meanwhile together.
    expect(stores.map((s) => s.plans)).toEqual([[0], [1], [2, 3, 4, 5, 6, 7, 8, 9]]);
    expect(stores.map((s) => (s.m as { tx: number }).tx)).toEqual([1, 2, 3]);
  });

  it('fails every delivery of a batch whose transaction failed, and goes on with the next', async () => {
    const ds = fakeDataSource();
    const batcher = new DeliveryBatcher<unknown, any>(ds as never, new TxLimiter({ dbPoolSize: 20 } as never), async (_m, plans) => plans);
    // Two deliveries take both transaction slots; the next two wait and share one transaction.
    const busy = [batcher.submit(async () => 1), batcher.submit(async () => 2)];
    const a = batcher.submit(async () => 'a');
    const b = batcher.submit(async () => {
      throw new Error('database blink');
    });
    await expect(a).rejects.toThrow('database blink');
    await expect(b).rejects.toThrow('database blink');
    await expect(Promise.all(busy)).resolves.toEqual([1, 2]);
    await expect(batcher.submit(async () => 'c')).resolves.toBe('c');
  });
});
