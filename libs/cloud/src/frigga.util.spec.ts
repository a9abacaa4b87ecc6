import { describe, expect, it } from 'vitest';
import { clusterName, nextSequence, parseName, serverGroupName, validateClusterName, validateNameParts, validateServerGroupName } from './frigga.util';

describe('Frigga names', () => {
  it('parses app, stack, detail and version', () => {
    expect(parseName('hello-prod-canary-v003')).toEqual({ application: 'hello', stack: 'prod', detail: 'canary', cluster: 'hello-prod-canary', sequence: 3 });
    expect(parseName('hello-prod-v010')).toMatchObject({ stack: 'prod', detail: null, cluster: 'hello-prod', sequence: 10 });
    expect(parseName('hello')).toMatchObject({ application: 'hello', stack: null, detail: null, sequence: null });
  });

  it('does not read a bare version as a stack (app-v001)', () => {
    expect(parseName('hello-v001')).toMatchObject({ application: 'hello', stack: null, cluster: 'hello', sequence: 1 });
  });

  it('keeps hyphens in the detail and handles a detail without a stack', () => {
    expect(parseName('hello-prod-a-b-c-v999')).toMatchObject({ stack: 'prod', detail: 'a-b-c', sequence: 999 });
    expect(parseName('hello--canary-v002')).toMatchObject({ stack: null, detail: 'canary', cluster: 'hello--canary' });
    expect(clusterName('hello', null, 'canary')).toBe('hello--canary');
    expect(clusterName('hello', 'prod', null)).toBe('hello-prod');
  });

  it('refuses what Frigga refuses', () => {
    expect(parseName('')).toBeNull();
    expect(parseName('hello world')).toBeNull();
    expect(parseName('hel/lo-v001')).toBeNull();
    expect(parseName('x'.repeat(256))).toBeNull();
  });

  it('a 4-digit version is not a version (it becomes part of the detail)', () => {
    expect(parseName('hello-prod-v0001')).toMatchObject({ sequence: null, detail: 'v0001' });
  });

  it('formats versions with three digits', () => {
    expect(serverGroupName('hello-prod', 7)).toBe('hello-prod-v007');
    expect(serverGroupName('hello-prod', 999)).toBe('hello-prod-v999');
  });

  it('validates name parts with pointers', () => {
    expect(validateNameParts({ application: 'hello', stack: 'prod', detail: 'a-b' })).toEqual([]);
    expect(validateNameParts({ application: 'hel-lo', stack: 'pr-od', detail: 'a b' }).map((e) => e.pointer)).toEqual(['/application', '/stack', '/freeFormDetails']);
    expect(validateNameParts({}).map((e) => e.pointer)).toEqual(['/application']);
    expect(validateClusterName('hello-prod')).toEqual([]);
    expect(validateClusterName('hello-prod-v001')[0]?.message).toContain('not a cluster name');
    expect(validateServerGroupName('hello prod')[0]?.pointer).toBe('/serverGroupName');
  });
});

describe('nextSequence', () => {
  const g = (sequence: number | null, createdTime: number) => ({ sequence, createdTime });

  it('starts at v000 and follows the newest', () => {
    expect(nextSequence([])).toBe(0);
    expect(nextSequence([g(0, 1), g(1, 2)])).toBe(2);
  });

  it('follows the newest by creation time, not the highest number', () => {
    expect(nextSequence([g(998, 1), g(999, 2), g(0, 3)])).toBe(1);
  });

  it('wraps at v999 and skips taken slots', () => {
    expect(nextSequence([g(999, 5)])).toBe(0);
    expect(nextSequence([g(0, 1), g(1, 2), g(999, 5)])).toBe(2);
    expect(nextSequence([g(5, 1), g(6, 2), g(4, 9)])).toBe(7);
  });

  it('ignores groups without a version', () => {
    expect(nextSequence([g(null, 10), g(3, 1)])).toBe(4);
  });

  it('fails when all 1000 versions are taken', () => {
    const all = Array.from({ length: 1000 }, (_, i) => g(i, i));
    expect(() => nextSequence(all)).toThrow(/every version/);
  });
});
