import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalescer';

/** A promise settled by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Coalescer', () => {
  it('runs at once when idle, then once for everything submitted during that run', async () => {
    const runs: Array<{ items: number[]; done: ReturnType<typeof deferred<string>> }> = [];
    const c = new Coalescer<number, string>((items) => {
      const done = deferred<string>();
      runs.push({ items, done });
      return done.promise;
    });
    const first = c.submit(1);
    const later = [c.submit(2), c.submit(3)];
    expect(runs.map((r) => r.items)).toEqual([[1]]);
    runs[0]!.done.resolve('a');
    expect(await first).toBe('a');
    // 2 and 3 were submitted while run 1 was in flight: they get a run of their own, not its answer.
    await new Promise((r) => setTimeout(r, 0));
    expect(runs.map((r) => r.items)).toEqual([[1], [2, 3]]);
    runs[1]!.done.resolve('b');
    expect(await Promise.all(later)).toEqual(['b', 'b']);
  });

  it('rejects every item of a failed run and keeps going', async () => {
    let calls = 0;
    const c = new Coalescer<number, number>(async (items) => {
      calls++;
      if (items.includes(0)) throw new Error('no zero');
      return items.length;
    });
    await expect(c.submit(0)).rejects.toThrow('no zero');
    expect(await c.submit(5)).toBe(1);
    expect(calls).toBe(2);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const c = new Coalescer<number, number>(() => {
      throw new Error('sync');
    });
    await expect(c.submit(1)).rejects.toThrow('sync');
  });
});
