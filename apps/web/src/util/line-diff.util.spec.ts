import { describe, expect, it } from 'vitest';
import { lineDiff } from './line-diff.util';

const apply = (d: ReturnType<typeof lineDiff>, side: 'before' | 'after') =>
  d.filter((l) => l.kind === 'same' || l.kind === (side === 'before' ? 'removed' : 'added')).map((l) => l.text).join('\n');

describe('lineDiff', () => {
  it('rebuilds both sides and marks only the changed lines', () => {
    const a = ['{', '  "a": 1,', '  "b": 2,', '  "c": 3', '}'].join('\n');
    const b = ['{', '  "a": 1,', '  "b": 20,', '  "c": 3,', '  "d": 4', '}'].join('\n');
    const d = lineDiff(a, b);
    expect(apply(d, 'before')).toBe(a);
    expect(apply(d, 'after')).toBe(b);
    expect(d.filter((l) => l.kind === 'removed').map((l) => l.text)).toEqual(['  "b": 2,', '  "c": 3']);
    expect(d.filter((l) => l.kind === 'added').map((l) => l.text)).toEqual(['  "b": 20,', '  "c": 3,', '  "d": 4']);
  });

  it('is all same for equal texts, and still correct past the table limit', () => {
    expect(lineDiff('x\ny', 'x\ny').every((l) => l.kind === 'same')).toBe(true);
    const a = Array.from({ length: 50 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 50 }, (_, i) => `b${i}`).join('\n');
    const d = lineDiff(a, b, 10);
    expect(apply(d, 'before')).toBe(a);
    expect(apply(d, 'after')).toBe(b);
  });
});
