import { validatePipeline } from '@gennaker/pipeline';
import { GENNAKER_STAGE_TYPES, REFERENCE_PIPELINES } from '@gennaker/pipeline/testing';
import { describe, expect, it } from 'vitest';
import { convertPipeline } from './pipeline-conversion.util';
import legacy from './fixtures/export/legacy-sequential-pipeline.json';

const ctx = { path: 'x.json', stageTypes: GENNAKER_STAGE_TYPES };
const ref = (prefix: string): Record<string, unknown> => structuredClone(REFERENCE_PIPELINES.find((r) => r.file.startsWith(prefix))!.document) as Record<string, unknown>;
const pointers = (notes: Array<{ pointer: string }>): string[] => notes.map((n) => n.pointer);

describe('convertPipeline', () => {
  it('imports B2 (a plain Front50 pipeline) unchanged, and the result validates', () => {
    const input = ref('B2_');
    const c = convertPipeline(input, ctx);
    expect(c.notes.changes).toEqual([]);
    expect(c.notes.problems).toEqual([]);
    expect(c.document).toEqual(input);
    expect(validatePipeline(c.document, { stageTypes: GENNAKER_STAGE_TYPES })).toMatchObject({ valid: true });
  });

  it('names the application and pipeline of a converted template from its clusters and the file, and drops Front50 bookkeeping', () => {
    const c = convertPipeline(ref('A_'), { ...ctx, path: 'exports/A_orca_convertedPipelineTemplateSource.json' });
    expect(c.document).toMatchObject({ application: 'spindemo', name: 'A_orca_convertedPipelineTemplateSource' });
    expect(pointers(c.notes.changes)).toEqual(['/updateTs', '/lastModifiedBy', '/stageCounter', '/application', '/name', '/parallel']);
    for (const key of ['updateTs', 'lastModifiedBy', 'stageCounter', 'parallel']) expect(c.document).not.toHaveProperty(key);
    // Rosco's baseOs is no image to Gennaker; the jenkins trigger was already disabled: kept, with a warning.
    expect(c.notes.warnings).toEqual([
      { pointer: '/stages/0/baseOs', message: expect.stringContaining('an AWS bake needs its base image: add baseAmi') },
      { pointer: '/triggers/0/type', message: expect.stringContaining('"jenkins" is not supported') },
    ]);
    expect(validatePipeline(c.document, { stageTypes: GENNAKER_STAGE_TYPES })).toMatchObject({ valid: true });
  });

  it('prefers --application over what the clusters say, and refuses a pipeline with no way to name its application', () => {
    expect(convertPipeline(ref('A_'), { ...ctx, application: 'other' }).document).toMatchObject({ application: 'other' });
    const bare = convertPipeline({ stages: [{ refId: '1', type: 'wait', waitTime: 1 }] }, ctx);
    expect(bare.document).toBeNull();
    expect(bare.notes.problems).toEqual([{ pointer: '/application', message: 'the pipeline names no application: pass --application' }]);
  });

  it('reports each unsupported stage type by pointer, and imports nothing of that pipeline by default', () => {
    const c = convertPipeline(ref('B_'), ctx);
    expect(c.document).toBeNull();
    expect(c.notes.problems).toEqual([
      { pointer: '/stages/5/type', message: expect.stringContaining('stage type "script" ("Compare TEST and PROD Builds") is not supported by Gennaker') },
      { pointer: '/stages/7/type', message: expect.stringContaining('stage type "jenkins" ("Promote Libraries") is not supported by Gennaker') },
    ]);
    // canary is the older name of kayentaCanary.
    expect(c.notes.changes).toEqual([{ pointer: '/stages/0/type', message: expect.stringContaining('"kayentaCanary"') }]);
  });

  it('with allowPartial removes those stages, wires their dependants to what they depended on, and disables the pipeline', () => {
    const c = convertPipeline(ref('B_'), { ...ctx, allowPartial: true });
    const doc = c.document as { stages: Array<{ refId: string; type: string; requisiteStageRefIds: string[] }>; disabled: boolean };
    expect(doc.stages.map((s) => s.type)).not.toContain('script');
    expect(doc.stages.map((s) => s.type)).not.toContain('jenkins');
    // "Should We Canary?" (refId 8) came after the script stage (7), which came after 6.
    expect(doc.stages.find((s) => s.refId === '8')!.requisiteStageRefIds).toEqual(['6']);
    expect(doc.disabled).toBe(true);
    expect(pointers(c.notes.changes)).toEqual(['/stages/0/type', '/stages/5', '/stages/7', '/stages/6/requisiteStageRefIds', '/disabled']);
    // The kept stages' exported indexes, to name later errors in the exported file.
    expect(c.stageSourceIndex).toEqual([0, 1, 2, 3, 4, 6]);
    expect(validatePipeline(doc, { stageTypes: GENNAKER_STAGE_TYPES })).toMatchObject({ valid: true });
  });

  it('numbers the stages of a pipeline from before stage graphs, disables triggers it cannot run, drops what would fail', () => {
    const c = convertPipeline(structuredClone(legacy) as Record<string, unknown>, ctx);
    const doc = c.document as { stages: Array<{ refId: string; requisiteStageRefIds: string[] }>; triggers: Array<Record<string, unknown>>; notifications: Array<{ type: string }> };
    expect(doc.stages.map((s) => [s.refId, s.requisiteStageRefIds])).toEqual([
      ['1', []],
      ['2', ['1']],
      ['3', ['2']],
    ]);
    expect(doc.triggers[0]).toMatchObject({ type: 'docker', enabled: false });
    expect(doc.triggers[1]).not.toHaveProperty('runAsUser');
    expect(doc.notifications.map((n) => n.type)).toEqual(['email']);
    expect(pointers(c.notes.changes)).toEqual(['/stages', '/parallel', '/triggers/0/enabled', '/triggers/1/runAsUser', '/notifications/0']);
    expect(c.notes.warnings).toEqual([
      { pointer: '/stages/1/preconditions/0/context/expression', message: expect.stringContaining('type references (T(...)) are not allowed') },
    ]);
    expect(validatePipeline(doc, { stageTypes: GENNAKER_STAGE_TYPES })).toMatchObject({ valid: true });
  });

  it('writes numeric refIds as strings, names each by pointer, and maps stash to bitbucket', () => {
    const c = convertPipeline(
      {
        application: 'TRACKS',
        name: 'p',
        stages: [{ refId: 1, type: 'wait', waitTime: 1 }, { refId: 2, type: 'wait', waitTime: 1, requisiteStageRefIds: [1] }],
        triggers: [{ type: 'git', source: 'stash', project: 'P', slug: 's' }],
      },
      ctx,
    );
    expect(c.document).toMatchObject({ application: 'tracks', stages: [{ refId: '1' }, { refId: '2', requisiteStageRefIds: ['1'] }], triggers: [{ source: 'bitbucket' }] });
    expect(pointers(c.notes.changes)).toEqual(['/application', '/stages/0/refId', '/stages/1/refId', '/stages/1/requisiteStageRefIds/0', '/triggers/0/source']);
  });

  it('warns once per cloud provider and account this install lacks, at its first use', () => {
    const c = convertPipeline(ref('C_'), { ...ctx, accounts: ['local', 'prod'] });
    expect(c.notes.warnings.map((w) => w.pointer)).toEqual(['/stages/1/cloudProvider', '/stages/1/credentials']);
    expect(c.notes.warnings[0]!.message).toMatch(/"kubernetes".*also 13 more fields: \/stages\/1\/cloudProviderType/);
    expect(c.notes.warnings[1]!.message).toMatch(/"cdci-runtime-gkegcr" is not configured in this install \(GENNAKER_ACCOUNTS_FILE; it has local, prod\)/);
    // Without a list of accounts, accounts are not checked.
    expect(convertPipeline(ref('C_'), ctx).notes.warnings.map((w) => w.pointer)).toEqual(['/stages/1/cloudProvider']);
  });

  it('refuses pipelines from managed templates and documents without stages', () => {
    expect(convertPipeline({ type: 'templatedPipeline', application: 'a', name: 'n', config: {} }, ctx).notes.problems[0]!.pointer).toBe('/type');
    expect(convertPipeline({ schema: 'v2', template: { artifactAccount: 'front50' }, application: 'a' }, ctx).notes.problems[0]!.pointer).toBe('/schema');
    expect(convertPipeline({ application: 'a', name: 'n', stages: {} }, ctx).notes.problems).toEqual([{ pointer: '/stages', message: 'a pipeline needs a list of stages' }]);
  });

  it('refuses an application name Gennaker cannot hold', () => {
    const c = convertPipeline({ application: 'my-app', name: 'n', stages: [] }, ctx);
    expect(c.notes.problems).toEqual([{ pointer: '/application', message: expect.stringContaining('"my-app" is not an application name') }]);
  });

  it('leaves the input untouched', () => {
    const input = ref('B_');
    const before = structuredClone(input);
    convertPipeline(input, { ...ctx, allowPartial: true });
    expect(input).toEqual(before);
  });
});
