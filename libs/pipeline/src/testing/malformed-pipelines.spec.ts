import type { ErrorDetail } from '@gennaker/common';
import { describe, expect, it } from 'vitest';
import { finalizeErrors } from '../error-list.util';
import type { StageTypeInfo } from '../model';
import { precheckPipelineDocument } from '../precheck.util';
import { validatePipeline, validatePipelineJson } from '../validate-pipeline.util';
import { DEFAULT_VALIDATION_LIMITS } from '../validation.model';
import { generateMalformedPipelines, MALFORMED_KINDS, reportsExpectedError, type MalformedCase, type MalformedKind } from './malformed-pipelines.util';
import { GENNAKER_STAGE_TYPES, REFERENCE_PIPELINES } from './reference-pipelines';

// script and jenkins are known here so that every seed is valid: each error then comes from the mutation.
const STAGE_TYPES: StageTypeInfo[] = [...GENNAKER_STAGE_TYPES, { type: 'script' }, { type: 'jenkins' }];
const OPTIONS = { stageTypes: STAGE_TYPES };
// A has no application or name (a converted template); give it those of an import.
const SEEDS = REFERENCE_PIPELINES.map((r) => ({ application: 'spindemo', name: r.file, ...(r.document as object) }));
const SEED_NODES = Math.max(...SEEDS.map((s) => precheckPipelineDocument(s).nodesVisited));

// Kinds the pre-check must refuse on its own, before the schema sees them.
const HOSTILE: ReadonlySet<MalformedKind> = new Set(['hugeString', 'hugeDocument', 'deepNesting', 'forbiddenKey', 'tooManyStages', 'nonObjectRoot']);

interface Outcome {
  c: MalformedCase;
  parsed?: unknown;
  errors?: ErrorDetail[];
  thrown?: unknown;
}

function run(c: MalformedCase): Outcome {
  let parsed: unknown;
  try {
    parsed = JSON.parse(c.body);
  } catch {
    return { c };
  }
  try {
    const result = validatePipeline(parsed, OPTIONS);
    return { c, parsed, errors: result.valid ? [] : result.errors };
  } catch (thrown) {
    return { c, parsed, thrown };
  }
}

const CASES = generateMalformedPipelines(SEEDS, 1000, 0x5eed);
const OUTCOMES = CASES.map(run);

describe('generateMalformedPipelines', () => {
  it('starts from seeds that are valid, so every error below is the mutation\'s', () => {
    for (const seed of SEEDS) expect(validatePipeline(seed, OPTIONS)).toMatchObject({ valid: true });
  });

  it('makes 1,000 cases covering every kind, deterministically for a seed', () => {
    expect(CASES).toHaveLength(1000);
    expect(new Set(CASES.map((c) => c.kind))).toEqual(new Set(MALFORMED_KINDS));
    const again = generateMalformedPipelines(SEEDS, 1000, 0x5eed);
    expect(again.map((c) => c.body)).toEqual(CASES.map((c) => c.body));
    const other = generateMalformedPipelines(SEEDS, 50, 7);
    expect(other.map((c) => c.body)).not.toEqual(CASES.slice(0, 50).map((c) => c.body));
  });

  it('builds the hostile shapes for real: 10,000 levels, __proto__ keys, bodies over 1 MiB', () => {
    expect(CASES.some((c) => c.kind === 'deepNesting' && c.body.includes('['.repeat(10_000)))).toBe(true);
    const proto = CASES.find((c) => c.kind === 'forbiddenKey' && c.body.includes('"__proto__":'))!;
    // JSON.parse makes it an own key (not the prototype), which is what the validator must catch.
    expect(JSON.stringify(JSON.parse(proto.body))).toContain('"__proto__"');
    expect(CASES.some((c) => c.kind === 'hugeDocument' && c.body.length > 1024 * 1024)).toBe(true);
  });

  it('every parseable case is refused, never throws, and reports its expected pointer', () => {
    const failures = OUTCOMES.filter((o) => o.c.parses)
      .filter((o) => o.thrown !== undefined || o.errors === undefined || !reportsExpectedError(o.errors, o.c.expected))
      .map((o) => ({
        index: o.c.index,
        kind: o.c.kind,
        description: o.c.description,
        expected: o.c.expected,
        thrown: o.thrown === undefined ? undefined : String(o.thrown),
        got: o.errors?.slice(0, 5).map((e) => ({ pointer: e.pointer.slice(0, 120), message: e.message.slice(0, 160) })),
      }));
    expect(failures).toEqual([]);
    expect(OUTCOMES.filter((o) => o.c.parses).length).toBeGreaterThan(900);
  });

  it('returns errors sorted, bounded and well-formed for every case', () => {
    for (const { errors } of OUTCOMES) {
      if (!errors) continue;
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.length).toBeLessThanOrEqual(DEFAULT_VALIDATION_LIMITS.maxErrors);
      expect(finalizeErrors(errors, DEFAULT_VALIDATION_LIMITS.maxErrors)).toEqual(errors);
      for (const e of errors) expect(e.pointer === '' || e.pointer.startsWith('/')).toBe(true);
    }
  });

  it('bodies that are not JSON fail to parse, and validatePipelineJson refuses them at the root', () => {
    const unparsed = OUTCOMES.filter((o) => o.parsed === undefined);
    expect(unparsed.map((o) => o.c.kind)).toEqual(unparsed.map(() => 'invalidJson'));
    expect(unparsed.length).toBe(CASES.filter((c) => !c.parses).length);
    for (const { c } of unparsed) {
      expect(validatePipelineJson(c.body, OPTIONS), c.description).toMatchObject({ valid: false, errors: [{ pointer: '' }] });
    }
  });

  it('refuses hostile bodies in the pre-check alone, after a walk no longer than a seed\'s', () => {
    const hostile = OUTCOMES.filter((o) => HOSTILE.has(o.c.kind));
    expect(hostile.length).toBeGreaterThan(300);
    for (const o of hostile) {
      const pre = precheckPipelineDocument(o.parsed);
      // Same errors as the full validation: nothing after the pre-check ran.
      expect(finalizeErrors(pre.errors, DEFAULT_VALIDATION_LIMITS.maxErrors), o.c.description).toEqual(o.errors);
      // 10,000 levels or 1 MiB cost about what a reference pipeline costs (stages added: ~4 values each).
      expect(pre.nodesVisited, o.c.description).toBeLessThan(SEED_NODES + 4 * 700 + 100);
    }
  });
});
