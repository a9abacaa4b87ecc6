import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, jsonPointerOffsets, lineOfPointer } from './json-positions.util';

const doc = JSON.stringify({ application: 'app', name: 'p', stages: [{ refId: '1', type: 'wait', waitTime: 5 }, { refId: '2', type: 'wait', 'a/b': 1 }] }, null, 2);

describe('json positions', () => {
  it('finds the line of each pointer, members at their key', () => {
    const lines = doc.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    expect(lineOfPointer(doc, '/application')).toBe(lineOf('"application"'));
    expect(lineOfPointer(doc, '/stages/0/waitTime')).toBe(lineOf('"waitTime"'));
    expect(lineOfPointer(doc, '/stages/1/a~1b')).toBe(lineOf('"a/b"'));
    expect(lineOfPointer(doc, '/stages/1')).toBe(lineOf('"refId": "2"') - 1);
  });

  it('falls back to the nearest parent for a pointer that is not in the text', () => {
    expect(lineOfPointer(doc, '/stages/1/missing')).toBe(lineOfPointer(doc, '/stages/1'));
    expect(lineOfPointer(doc, '/nothing/here')).toBe(1);
  });

  it('agrees with JSON.parse on what is valid, and says where a syntax error is', () => {
    expect(() => jsonPointerOffsets(doc)).not.toThrow();
    const broken = '{\n  "a": 1,\n  "b": [1, 2,,]\n}';
    expect(() => JSON.parse(broken)).toThrow();
    try {
      jsonPointerOffsets(broken);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(JsonSyntaxError);
      expect((err as JsonSyntaxError).location.line).toBe(3);
    }
    for (const bad of ['{"a":1,}', '[1 2]', '{"a" 1}', '"x', 'tru', '{"a":1} x', '']) {
      expect(() => JSON.parse(bad)).toThrow();
      expect(() => jsonPointerOffsets(bad)).toThrow(JsonSyntaxError);
    }
    for (const good of ['{"a":"\\u00e9\\n"}', '[1.5e3, -0, true, null]', ' {} ']) {
      expect(() => jsonPointerOffsets(good)).not.toThrow();
    }
  });
});
