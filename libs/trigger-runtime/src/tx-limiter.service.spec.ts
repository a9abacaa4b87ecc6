import { describe, expect, it } from 'vitest';
import { TxLimiter } from './tx-limiter.service';

describe('TxLimiter', () => {
  it('never runs more than half the pool at once, and runs everything', async () => {
    const limiter = new TxLimiter({ dbPoolSize: 6 } as never);
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        limiter.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, (i % 3) + 1));
          active--;
          done.push(i);
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
  it('frees the slot when the work throws', async () => {
    const limiter = new TxLimiter({ dbPoolSize: 2 } as never);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(() => Promise.resolve(7))).resolves.toBe(7);
  });
});
