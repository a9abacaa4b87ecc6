import { RateLimiterMemory } from 'rate-limiter-flexible';
import { describe, expect, it, vi } from 'vitest';
import { LeasedLimiter, leaseSize } from './rate-limit.middleware';

/** The shared count (Redis in the api) for `perMinute` points; `seconds` is its window. */
function sharedCount(perMinute: number, seconds = 60): RateLimiterMemory {
  return new RateLimiterMemory({ points: perMinute, duration: seconds });
}

async function takeUntilRefused(limiter: LeasedLimiter, key: string, most: number): Promise<{ allowed: number; waitMs: number | null }> {
  let allowed = 0;
  for (let i = 0; i < most; i++) {
    const waitMs = await limiter.take(key);
    if (waitMs !== null) return { allowed, waitMs };
    allowed++;
  }
  return { allowed, waitMs: null };
}

describe('leased rate limit', () => {
  it('leases one point at a time below 200 a minute (exact), a hundredth of the limit above', () => {
    expect(leaseSize(20)).toBe(1);
    expect(leaseSize(199)).toBe(1);
    expect(leaseSize(6000)).toBe(60);
  });

  it('with a lease of one, allows exactly the limit and then refuses with the time left', async () => {
    const limiter = new LeasedLimiter(sharedCount(20), 20, 1);
    const { allowed, waitMs } = await takeUntilRefused(limiter, '10.0.0.1', 100);
    expect(allowed).toBe(20);
    expect(waitMs).toBeGreaterThan(50_000);
    expect(await limiter.take('10.0.0.1')).toBeGreaterThan(0);
    // Another address has its own count.
    expect(await limiter.take('10.0.0.2')).toBeNull();
  });

  it('keeps the limit across processes sharing the count, and holds back only unspent leases', async () => {
    const shared = sharedCount(1000);
    const a = new LeasedLimiter(shared, 1000, 10);
    const b = new LeasedLimiter(shared, 1000, 10);
    // Both busy, one request each in turn: together exactly the limit.
    let allowed = 0;
    for (let i = 0; i < 1200; i++) if ((await (i % 2 === 0 ? a : b).take('git-host')) === null) allowed++;
    expect(allowed).toBe(1000);

    // One process spent one point of its lease and went quiet: the other gets the rest but those 9.
    const shared2 = sharedCount(1000);
    const quiet = new LeasedLimiter(shared2, 1000, 10);
    const busy = new LeasedLimiter(shared2, 1000, 10);
    expect(await quiet.take('git-host')).toBeNull();
    expect((await takeUntilRefused(busy, 'git-host', 2000)).allowed).toBe(990);
    // The quiet one still spends what it holds, then is refused too.
    expect((await takeUntilRefused(quiet, 'git-host', 100)).allowed).toBe(9);
  });

  it('asks the shared count once for requests that arrive together', async () => {
    const shared = sharedCount(6000);
    const consume = vi.spyOn(shared, 'consume');
    const limiter = new LeasedLimiter(shared, 6000, 60);
    const answers = await Promise.all(Array.from({ length: 60 }, () => limiter.take('git-host')));
    expect(answers.every((a) => a === null)).toBe(true);
    expect(consume).toHaveBeenCalledTimes(1);
    expect(await limiter.take('git-host')).toBeNull();
    expect(consume).toHaveBeenCalledTimes(2);
  });

  it('allows the part of a lease that is under the limit, then refuses', async () => {
    // 25 a minute with leases of 10: 10 + 10 + the 5 left of the third lease.
    const limiter = new LeasedLimiter(sharedCount(25), 25, 10);
    expect((await takeUntilRefused(limiter, 'k', 100)).allowed).toBe(25);
  });

  it('allows again once the window is over', async () => {
    const limiter = new LeasedLimiter(sharedCount(3, 1), 3, 1);
    const { allowed, waitMs } = await takeUntilRefused(limiter, 'k', 10);
    expect(allowed).toBe(3);
    expect(waitMs).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, (waitMs ?? 0) + 20));
    expect(await limiter.take('k')).toBeNull();
  });

  it('passes on a failure of the shared count (the middleware lets the request through)', async () => {
    const shared = sharedCount(100);
    vi.spyOn(shared, 'consume').mockRejectedValueOnce(new Error('redis down'));
    const limiter = new LeasedLimiter(shared, 100, 1);
    await expect(limiter.take('k')).rejects.toThrow('redis down');
    expect(await limiter.take('k')).toBeNull();
  });
});
