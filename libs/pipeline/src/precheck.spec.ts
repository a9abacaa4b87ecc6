import { describe, expect, it } from 'vitest';
import { precheckPipelineDocument } from './precheck.util';
import { DEFAULT_VALIDATION_LIMITS } from './validation.model';

const ok = () => ({ application: 'app', name: 'p', stages: [{ refId: '1', type: 'wait' }] });
const pointers = (input: unknown) => precheckPipelineDocument(input).errors.map((e) => e.pointer);

describe('precheckPipelineDocument', () => {
  it('accepts an ordinary pipeline', () => {
    expect(precheckPipelineDocument(ok()).errors).toEqual([]);
  });

  it.each([[null], [[]], ['pipeline'], [42], [true], [undefined], [new Date(0)]])('refuses the root %j', (root) => {
    const { errors } = precheckPipelineDocument(root);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ pointer: '', message: expect.stringContaining('must be a JSON object') });
  });

  it('refuses __proto__, constructor and prototype keys anywhere, at the key', () => {
    const body = '{"__proto__": {"admin": true}, "stages": [{"refId": "1", "x": {"constructor": {"prototype": 1}}}]}';
    expect(pointers(JSON.parse(body))).toEqual(['/__proto__', '/stages/0/x/constructor']);
    expect(pointers({ stages: [{ a: [{ prototype: 1 }] }] })).toEqual(['/stages/0/a/0/prototype']);
  });

  it('allows 32 levels of nesting and refuses the 33rd, at the first container too deep', () => {
    const nest = (levels: number): unknown => {
      let v: unknown = [];
      for (let i = 1; i < levels; i++) v = [v];
      return v;
    };
    // The document is level 1 and `deep` level 2, so `deep` holding 31 levels reaches 32.
    expect(pointers({ deep: nest(31) })).toEqual([]);
    expect(pointers({ deep: nest(32) })).toEqual([`/deep${'/0'.repeat(31)}`]);
  });

  it('walks without recursion and stops at the depth limit: a million levels cost 33 visits', () => {
    let v: unknown = {};
    for (let i = 0; i < 1_000_000; i++) v = { a: v };
    const result = precheckPipelineDocument({ deep: v });
    expect(result.errors).toHaveLength(1);
    expect(result.nodesVisited).toBeLessThan(40);
  });

  it('survives cyclic objects and shared-reference bombs, which JSON.parse can never produce', () => {
    const cyclic: Record<string, unknown> = { stages: [] };
    cyclic['self'] = cyclic;
    expect(precheckPipelineDocument(cyclic).errors[0]?.message).toContain('nested deeper than 32');

    // 2^30 paths through 30 shared objects: the size limit stops the walk long before.
    let bomb: unknown = 'x'.repeat(1000);
    for (let i = 0; i < 30; i++) bomb = [bomb, bomb];
    const result = precheckPipelineDocument({ bomb });
    expect(result.errors.map((e) => e.pointer)).toEqual(['']);
    expect(result.errors[0]?.message).toContain('larger than');
    expect(result.nodesVisited).toBeLessThan(DEFAULT_VALIDATION_LIMITS.maxDocumentSize / 100);
  });

  it('refuses strings and keys over 64 KiB, and documents over 1 MiB', () => {
    const long = 'x'.repeat(64 * 1024 + 1);
    expect(pointers({ name: long })).toEqual(['/name']);
    expect(pointers({ name: 'x'.repeat(64 * 1024) })).toEqual([]);
    expect(pointers({ [long]: 1 })).toEqual([`/${long}`]);
    const chunk = 'y'.repeat(60_000);
    expect(pointers({ blobs: Array.from({ length: 18 }, () => chunk) })).toEqual(['']);
  });

  it('refuses more than 500 stages at /stages', () => {
    const stages = Array.from({ length: 501 }, (_, i) => ({ refId: String(i), type: 'wait' }));
    expect(precheckPipelineDocument({ stages }).errors).toEqual([
      { pointer: '/stages', message: 'the pipeline has 501 stages; at most 500 are allowed' },
    ]);
    expect(pointers({ stages: stages.slice(0, 500) })).toEqual([]);
  });

  it('refuses values JSON cannot hold', () => {
    const input = { a: Infinity, b: Number.NaN, c: undefined, d: () => 1, e: new Map(), f: 10n, g: Object.create(null) as object };
    expect(pointers(input).sort()).toEqual(['/a', '/b', '/c', '/d', '/e', '/f']);
    expect(pointers(JSON.parse('{"stageTimeoutMs": 1e400}'))).toEqual(['/stageTimeoutMs']);
  });

  it('never throws, even on a Proxy whose every trap throws', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('boom');
        },
        getPrototypeOf() {
          throw new Error('boom');
        },
      },
    );
    expect(() => precheckPipelineDocument(hostile)).not.toThrow();
    expect(pointers(hostile)).toEqual(['']);
    expect(pointers({ nested: hostile })).toEqual(['']);
  });

  it('honours custom limits and stops once maxErrors are found', () => {
    const limits = { ...DEFAULT_VALIDATION_LIMITS, maxStringLength: 3, maxErrors: 5 };
    const input = { a: Array.from({ length: 50 }, () => 'long') };
    expect(precheckPipelineDocument(input, limits).errors).toHaveLength(5);
  });
});
