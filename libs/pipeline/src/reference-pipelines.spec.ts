import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePipeline } from './validate-pipeline.util';
import { GENNAKER_STAGE_TYPES, REFERENCE_PIPELINES } from './testing/reference-pipelines';

const FIXTURES = join(__dirname, 'fixtures/spinnaker');
const SHARED = join(__dirname, '../../../../shared/reference/spinnaker-pipelines');

/** Exactly what each reference file lacks among the stage types Gennaker will support. */
const UNSUPPORTED: Record<string, Array<{ pointer: string; type: string; stage: string }>> = {
  'A_orca_convertedPipelineTemplateSource.json': [],
  'B_netflix_tracks_release_to_prod_canary.reconstructed.json': [
    { pointer: '/stages/5/type', type: 'script', stage: 'Compare TEST and PROD Builds' },
    { pointer: '/stages/7/type', type: 'jenkins', stage: 'Promote Libraries' },
  ],
  'B2_netflix_tracks_prod_deployment.reconstructed.json': [],
  'C_capstan_canary_prod.json': [],
};

describe('Spinnaker reference pipelines', () => {
  it('the fixtures are the four files of the reference set', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(UNSUPPORTED).sort());
    expect(REFERENCE_PIPELINES.map((r) => r.file).sort()).toEqual(files);
    expect(readFileSync(join(FIXTURES, 'README.md'), 'utf8')).toContain('spinnaker/orca');
  });

  it.skipIf(!existsSync(SHARED))('the fixtures are unchanged copies of ../shared/reference', () => {
    for (const file of Object.keys(UNSUPPORTED)) {
      expect(readFileSync(join(FIXTURES, file), 'utf8'), file).toBe(readFileSync(join(SHARED, file), 'utf8'));
    }
  });

  for (const { file, document } of REFERENCE_PIPELINES) {
    it(`${file} validates, or fails only on stage types not supported yet`, () => {
      const result = validatePipeline(document, { stageTypes: GENNAKER_STAGE_TYPES, requireIdentity: false });
      const expected = UNSUPPORTED[file] ?? [];
      if (expected.length === 0) {
        expect(result).toMatchObject({ valid: true });
        return;
      }
      expect(result.valid).toBe(false);
      const errors = result.valid ? [] : result.errors;
      expect(errors.map((e) => e.pointer)).toEqual(expected.map((e) => e.pointer));
      errors.forEach((e, i) => {
        const want = expected[i]!;
        expect(e.message).toContain(`"${want.type}"`);
        expect(e.message).toContain(`"${want.stage}"`);
        expect(e.message).toContain('not supported yet');
      });
    });
  }

  it('B validates once script and jenkins exist, so those stages were its only problem', () => {
    const b = REFERENCE_PIPELINES.find((r) => r.file.startsWith('B_'))!.document;
    const stageTypes = [...GENNAKER_STAGE_TYPES, { type: 'script' }, { type: 'jenkins' }];
    expect(validatePipeline(b, { stageTypes })).toMatchObject({ valid: true });
  });

  it('A, a converted template, has no application or name: saving it needs them from the import', () => {
    const a = REFERENCE_PIPELINES.find((r) => r.file.startsWith('A_'))!.document;
    const bare = validatePipeline(a, { stageTypes: GENNAKER_STAGE_TYPES });
    expect(bare.valid ? [] : bare.errors).toEqual([
      { pointer: '/application', message: 'application is required' },
      { pointer: '/name', message: 'name is required' },
    ]);
    const imported = validatePipeline(a, { stageTypes: GENNAKER_STAGE_TYPES, defaults: { application: 'spindemo', name: 'converted' } });
    expect(imported.valid).toBe(true);
    if (imported.valid) expect([imported.pipeline.application, imported.pipeline.name]).toEqual(['spindemo', 'converted']);
  });

  it('normalises the reference pipelines the way the engine reads them', () => {
    const c = REFERENCE_PIPELINES.find((r) => r.file.startsWith('C_'))!.document;
    const before = structuredClone(c);
    const result = validatePipeline(c, { stageTypes: GENNAKER_STAGE_TYPES });
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    const canary = result.pipeline.stages.find((s) => s.refId === '6')!;
    expect(canary.requisiteStageRefIds).toEqual(['5', '3']);
    expect(result.pipeline.triggers).toEqual([expect.objectContaining({ type: 'pipeline', enabled: false })]);
    expect(result.pipeline.keepWaitingPipelines).toBe(false);
    expect(result.pipeline.notifications).toEqual([]);
    // Defaults go into a copy: the input keeps its own shape.
    expect(c).toEqual(before);
    expect(c).not.toHaveProperty('notifications');
  });
});
