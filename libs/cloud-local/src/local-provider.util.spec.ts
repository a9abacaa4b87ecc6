import { describe, expect, it } from 'vitest';
import { bucketIndex, emptyCounts, percentile } from './histogram.util';
import { effectiveWeights, WeightedPicker, type RouteGroup } from './routing.util';
import { afterHealthCheck, planScale, restartDelayMs } from './supervisor.util';

const group = (name: string, n: number): RouteGroup => ({ name, targets: Array.from({ length: n }, (_, i) => ({ id: `${name}-${i}`, port: 1000 + i })) });

describe('routing', () => {
  it('splits by healthy instances without weights', () => {
    expect([...effectiveWeights([group('a', 1), group('b', 3), group('c', 0)], {})]).toEqual([['a', 1], ['b', 3]]);
  });

  it('follows weights, and ignores them when no weighted group can serve', () => {
    expect([...effectiveWeights([group('a', 2), group('b', 2)], { b: 10 })]).toEqual([['a', 0], ['b', 10]]);
    expect([...effectiveWeights([group('a', 2), group('b', 0)], { b: 10 })]).toEqual([['a', 2]]);
  });

  it('smooth weighted round robin gives each group its share, evenly spread', () => {
    const picker = new WeightedPicker();
    const groups = [group('stable', 3), group('canary', 1)];
    const picks = Array.from({ length: 400 }, () => picker.pick(groups, { stable: 90, canary: 10 })!.group);
    expect(picks.filter((p) => p === 'canary')).toHaveLength(40);
    // never two canary picks in a row at a 10% share
    expect(picks.some((p, i) => p === 'canary' && picks[i + 1] === 'canary')).toBe(false);
    const targets = new Set(Array.from({ length: 30 }, () => picker.pick(groups, {})!.target.id));
    expect(targets).toEqual(new Set(['stable-0', 'stable-1', 'stable-2', 'canary-0']));
  });

  it('skips excluded targets (a retry after a connection error) and answers null when none is left', () => {
    const picker = new WeightedPicker();
    const groups = [group('a', 1)];
    expect(picker.pick(groups, {}, new Set(['a-0']))).toBeNull();
    expect(picker.pick([], {})).toBeNull();
  });
});

describe('histogram', () => {
  it('buckets and interpolates percentiles', () => {
    const c = emptyCounts();
    for (const ms of [1, 2, 3, 4, 90, 90, 90, 90, 90, 90]) c[bucketIndex(ms)]! += 1;
    expect(percentile(c, 40)).toBeCloseTo(5);
    expect(percentile(c, 100)).toBeCloseTo(100);
    expect(percentile(emptyCounts(), 50)).toBeNaN();
    const open = emptyCounts();
    open[bucketIndex(60_000)] = 1;
    expect(percentile(open, 99)).toBe(10000);
  });
});

describe('supervision', () => {
  it('backs off restarts up to 30 s', () => {
    expect([1, 2, 3, 10].map(restartDelayMs)).toEqual([500, 1000, 2000, 30_000]);
  });

  it('scales out and in, stopping the least useful instances first', () => {
    const i = (id: string, state: 'up' | 'down' | 'starting' | 'crashed' | 'stopping', launchedAt: number) => ({ id, state, launchedAt, restarts: 0 });
    expect(planScale([i('a', 'up', 1)], 3)).toEqual({ start: 2, stop: [] });
    expect(planScale([i('a', 'up', 1), i('b', 'stopping', 2)], 2)).toEqual({ start: 1, stop: [] });
    expect(planScale([i('a', 'up', 1), i('b', 'up', 5), i('c', 'crashed', 2), i('d', 'starting', 3)], 1)).toEqual({ start: 0, stop: ['c', 'd', 'b'] });
  });

  it('health: up on the first success, down after 2 failures, down when the grace period passes', () => {
    const base = { failures: 0, startedAt: 0, gracePeriodMs: 10_000, now: 1000, detail: 'GET /health: ECONNREFUSED' };
    expect(afterHealthCheck({ ...base, state: 'starting', ok: true })).toEqual({ state: 'up', failures: 0, reason: null });
    expect(afterHealthCheck({ ...base, state: 'starting', ok: false }).state).toBe('starting');
    expect(afterHealthCheck({ ...base, state: 'starting', ok: false, now: 11_000 }).state).toBe('down');
    expect(afterHealthCheck({ ...base, state: 'up', ok: false })).toEqual({ state: 'up', failures: 1, reason: null });
    expect(afterHealthCheck({ ...base, state: 'up', ok: false, failures: 1 })).toMatchObject({ state: 'down', reason: base.detail });
    expect(afterHealthCheck({ ...base, state: 'down', ok: true }).state).toBe('up');
    expect(afterHealthCheck({ ...base, state: 'crashed', ok: true }).state).toBe('crashed');
  });
});
