import { describe, expect, it } from 'vitest';
import { findRoot } from './brent-root.util';

describe('findRoot', () => {
  it('finds a smooth root to within the tolerance', () => {
    const f = (x: number): number => x * x - 2;
    const root = findRoot(f, 0, 2, f(0), f(2), 1e-12);
    expect(Math.abs(root - Math.SQRT2)).toBeLessThan(1e-12);
  });

  it('returns an end point whose value is exactly zero without iterating', () => {
    let calls = 0;
    const f = (x: number): number => {
      calls++;
      return x - 1;
    };
    expect(findRoot(f, 1, 5, 0, 4)).toBe(1);
    expect(calls).toBe(0);
  });

  it('brackets the jump of a step function to within the tolerance', () => {
    const f = (x: number): number => (x < 0.3 ? 1 : -1);
    const root = findRoot(f, 0, 1, 1, -1, 1e-4);
    expect(Math.abs(root - 0.3)).toBeLessThanOrEqual(1e-4);
  });

  it('stops after the iteration limit and returns the last point', () => {
    let calls = 0;
    const f = (x: number): number => {
      calls++;
      return x < 0.3 ? 1 : -1;
    };
    findRoot(f, 0, 1, 1, -1, 1e-300, 5);
    expect(calls).toBe(6);
  });
});
