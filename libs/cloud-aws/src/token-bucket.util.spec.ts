import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.util';

function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    // Records the wait without moving the clock, as if the waiters were still asleep.
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    advance: (ms: number) => (t += ms),
    sleeps,
  };
}

describe('TokenBucket', () => {
  it('lets a burst through, then paces at the sustained rate', async () => {
    const c = fakeClock();
    const bucket = new TokenBucket(10, 3, c.now, c.sleep);
    expect(await Promise.all([bucket.take(), bucket.take(), bucket.take()])).toEqual([0, 0, 0]);
    // The 4th and 5th calls each wait for their own reservation: 100 ms apart at 10/s.
    const waits = await Promise.all([bucket.take(), bucket.take()]);
    expect(waits).toEqual([100, 200]);
    expect(bucket.stats()).toMatchObject({ waited: 2, waitedMs: 300 });
  });

  it('refills over time up to the burst, never beyond', async () => {
    const c = fakeClock();
    const bucket = new TokenBucket(2, 2, c.now, c.sleep);
    await bucket.take();
    await bucket.take();
    c.advance(10_000);
    expect(bucket.stats().available).toBe(2);
    expect(await bucket.take()).toBe(0);
    expect(await bucket.take()).toBe(0);
    expect(await bucket.take()).toBe(500);
  });
});
