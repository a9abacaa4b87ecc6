import { validatePipeline } from '@gennaker/pipeline';
import { GENNAKER_STAGE_TYPES, REFERENCE_PIPELINES } from '@gennaker/pipeline/testing';
import { describe, expect, it } from 'vitest';
import { outcomeOf, type ImportFile, type ImportItem } from './import.model';
import { addProblems, planImport, summarize } from './import-plan.util';
import { formatImportReport, importReportJson, type ImportAction } from './import-report.util';
import front50 from './fixtures/export/front50-tracks-application.json';
import atlas from './fixtures/export/kayenta-atlas-canary.json';
import prometheus from './fixtures/export/kayenta-helloagain-canary.json';
import legacy from './fixtures/export/legacy-sequential-pipeline.json';
import gate from './fixtures/export/spin-helloagain-application.json';
import list from './fixtures/export/spin-pipeline-list.json';

const references: ImportFile[] = REFERENCE_PIPELINES.map((r) => ({ path: `spinnaker/${r.file}`, text: JSON.stringify(r.document, null, 1) }));
const exportsFiles: ImportFile[] = [
  { path: 'apps/front50-tracks-application.json', text: JSON.stringify(front50) },
  { path: 'apps/spin-helloagain-application.json', text: JSON.stringify(gate) },
  { path: 'canary/kayenta-helloagain-canary.json', text: JSON.stringify(prometheus) },
  { path: 'canary/kayenta-atlas-canary.json', text: JSON.stringify(atlas) },
  { path: 'pipelines/legacy-sequential-pipeline.json', text: JSON.stringify(legacy) },
  { path: 'pipelines/spin-pipeline-list.json', text: JSON.stringify(list) },
];
const options = { stageTypes: GENNAKER_STAGE_TYPES };
const find = (items: ImportItem[], kind: string, name: string): ImportItem => {
  const item = items.find((i) => i.kind === kind && i.name === name);
  if (!item) throw new Error(`no ${kind} ${name} among ${items.map((i) => `${i.kind}:${i.name}`).join(', ')}`);
  return item;
};

describe('planImport', () => {
  it('imports the reference pipelines: B only with --allow-partial; each importable one validates', () => {
    const plain = planImport(references, options);
    expect(plain.items.filter((i) => i.kind === 'pipeline').map((i) => [i.name, outcomeOf(i)])).toEqual([
      ['spindemo/A_orca_convertedPipelineTemplateSource', 'changed'],
      ['tracks/Release to PROD Canary', 'not-importable'],
      ['tracks/PROD Deployment', 'as-is'],
      ['helloagain/prod-deploy', 'changed'],
    ]);
    const partial = planImport(references, { ...options, allowPartial: true });
    for (const item of partial.items.filter((i) => i.kind === 'pipeline')) {
      expect(outcomeOf(item), item.name).not.toBe('not-importable');
      expect(validatePipeline(item.document, { stageTypes: GENNAKER_STAGE_TYPES, requireIdentity: true }), item.name).toMatchObject({ valid: true });
    }
  });

  it('creates the applications pipelines name when no file defines them', () => {
    const { items } = planImport(references, options);
    const implied = items.filter((i) => i.implied);
    expect(implied.map((i) => [i.name, i.document])).toEqual([
      ['spindemo', { name: 'spindemo' }],
      ['tracks', { name: 'tracks' }],
      ['helloagain', { name: 'helloagain' }],
    ]);
  });

  it('reads applications, canary configs and lists of pipelines beside them, and cross-checks what refers to what', () => {
    const { items } = planImport([...references, ...exportsFiles], options);
    // The Front50 record defines tracks: no bare application is made for it.
    expect(items.filter((i) => i.kind === 'application').map((i) => [i.name, i.implied ?? false])).toEqual([
      ['tracks', false],
      ['helloagain', false],
      ['spindemo', true],
    ]);
    // C names the Kayenta config by id: imported beside it, so no warning.
    const c = find(items, 'pipeline', 'helloagain/prod-deploy');
    expect(c.warnings.map((w) => w.pointer)).not.toContain('/stages/5/canaryConfig/canaryConfigId');
    expect(outcomeOf(find(items, 'canaryConfig', 'helloagain-canary'))).toBe('changed');
    expect(find(items, 'canaryConfig', 'MySampleAtlasCanaryConfig').problems[0]!.pointer).toBe('/metrics/0/query/type');
    // A list file: each element is an item of its own; the second has the first one's name.
    const listed = items.filter((i) => i.source.startsWith('pipelines/spin-pipeline-list.json['));
    expect(listed.map((i) => [i.source, outcomeOf(i)])).toEqual([
      ['pipelines/spin-pipeline-list.json[0]', 'changed'],
      ['pipelines/spin-pipeline-list.json[1]', 'not-importable'],
    ]);
    expect(listed[1]!.problems).toEqual([{ pointer: '/name', message: 'the same pipeline (name) as pipelines/spin-pipeline-list.json[0]: import one of them' }]);
    // B2's id is the one B's pipeline stage runs: no warning; C follows a pipeline nobody imports.
    expect(c.warnings.map((w) => w.pointer)).toContain('/triggers/0/pipeline');
  });

  it('merges two records of one application (a Front50 record and a Fiat permission file)', () => {
    const { items } = planImport(
      [
        { path: 'a.json', text: JSON.stringify({ name: 'shop', email: 'team@example.com' }) },
        { path: 'b.json', text: JSON.stringify({ name: 'SHOP', permissions: { READ: ['devs'], WRITE: ['devs'] } }) },
      ],
      options,
    );
    expect(items).toHaveLength(1);
    expect(items[0]!.document).toEqual({ name: 'shop', email: 'team@example.com', permissions: { READ: ['devs'], WRITE: ['devs'] } });
    expect(items[0]!.changes.at(-1)!.message).toBe('merged with b.json (took permissions from it)');
  });

  it('reports files that are not JSON or not Spinnaker documents, without stopping', () => {
    const { items } = planImport(
      [
        { path: 'broken.json', text: '{"stages": [' },
        { path: 'other.json', text: '{"hello": "world"}' },
        { path: 'ok.json', text: '\uFEFF{"application": "shop", "name": "p", "stages": []}' },
      ],
      options,
    );
    expect(items.map((i) => [i.source, i.kind, outcomeOf(i)])).toEqual([
      ['broken.json', 'unknown', 'not-importable'],
      ['other.json', 'unknown', 'not-importable'],
      ['ok.json', 'pipeline', 'as-is'],
      ['(named by ok.json)', 'application', 'as-is'],
    ]);
    expect(items[0]!.problems[0]!.message).toMatch(/^not valid JSON: /);
  });

  it("names the API's errors in the exported file, even after stages were removed", () => {
    const { items } = planImport(references, { ...options, allowPartial: true });
    const b = find(items, 'pipeline', 'tracks/Release to PROD Canary');
    // The converted document's stage 5 is the exported stage 6 (stage 5 was removed).
    addProblems(b, [{ pointer: '/stages/5/preconditions', message: 'bad' }, { pointer: '/name', message: 'taken' }]);
    expect(b.problems).toEqual([
      { pointer: '/stages/6/preconditions', message: 'bad' },
      { pointer: '/name', message: 'taken' },
    ]);
    expect(b.document).toBeNull();
    expect(outcomeOf(b)).toBe('not-importable');
  });
});

describe('the import report', () => {
  it('says for each item what happened, every note by pointer, and sums up', () => {
    const { items } = planImport(references, options);
    const actions = new Map<ImportItem, ImportAction>(items.filter((i) => i.document).map((i) => [i, 'dry-run']));
    const text = formatImportReport(items, actions, { dryRun: true });
    expect(text).toMatch(/^RESULT\s+KIND\s+NAME\s+SOURCE\s+ACTION\n/);
    expect(text).toMatch(/not importable\s+pipeline\s+tracks\/Release to PROD Canary\s+spinnaker\/B_netflix_tracks_release_to_prod_canary\.reconstructed\.json\s+not written\n/);
    expect(text).toContain('    problem  /stages/5/type: stage type "script"');
    expect(text).toMatch(/imported as-is\s+pipeline\s+tracks\/PROD Deployment\s+\S+\s+not written \(dry run\)/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('7 item(s): 4 imported as-is, 2 imported with changes, 1 not importable; dry run: nothing written');
    const json = importReportJson(items, actions, { dryRun: true });
    expect(json['summary']).toEqual(summarize(items));
    expect((json['items'] as Array<{ result: string }>).map((i) => i.result)).toEqual(items.map(outcomeOf));
  });
});
