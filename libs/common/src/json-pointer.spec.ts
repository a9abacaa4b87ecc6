import { describe, expect, it } from 'vitest';
import { getAtPointer, parsePointer, pointer } from './json-pointer';

describe('json pointer', () => {
  it('escapes ~ and / and round-trips', () => {
    const p = pointer('a/b', 'c~d', 0);
    expect(p).toBe('/a~1b/c~0d/0');
    expect(parsePointer(p)).toEqual(['a/b', 'c~d', '0']);
  });
  it('reads only own properties', () => {
    expect(getAtPointer({ a: [{ b: 1 }] }, '/a/0/b')).toBe(1);
    expect(getAtPointer({}, '/constructor')).toBeUndefined();
  });
});
