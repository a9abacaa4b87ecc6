import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatePipeline, type StageTypeInfo } from '@gennaker/pipeline';
import { GENNAKER_STAGE_TYPES, REFERENCE_PIPELINES } from '@gennaker/pipeline/testing';
import { describe, expect, it } from 'vitest';
import { cloudStagesPlugin } from './cloud-stages.plugin';
import { ProviderRegistry } from './provider-registry';
import { InMemoryClusterLock, InMemoryProvider } from './testing';

// The cloud stages' schemas and semantic checks must accept real Spinnaker pipelines (their AWS
// and Kubernetes fields included) and the examples; bad input is refused with pointers.
const plugin = cloudStagesPlugin({ providers: new ProviderRegistry([new InMemoryProvider()]), lock: new InMemoryClusterLock() });
const ours = plugin.definitions.filter((d) => !d.internal);
const stageTypes: StageTypeInfo[] = [
  ...ours.map((d) => ({ type: d.type, aliases: d.aliases, label: d.label, description: d.description, contextSchema: d.contextSchema })),
  ...GENNAKER_STAGE_TYPES.filter((t) => !ours.some((d) => d.type === t.type || (d.aliases ?? []).includes(t.type))),
];

function semanticErrors(doc: { stages: Array<Record<string, unknown>> }) {
  return doc.stages.flatMap((stage, i) => {
    const def = ours.find((d) => d.type === stage['type'] || (d.aliases ?? []).includes(String(stage['type'])));
    return (def?.validate?.(stage) ?? []).map((e) => ({ pointer: `/stages/${i}${e.pointer}`, message: e.message }));
  });
}

describe('cloud stage schemas', () => {
  it('define every cloud stage type the reference set uses', () => {
    for (const t of ['bake', 'deploy', 'findImage', 'resizeServerGroup', 'enableServerGroup', 'disableServerGroup', 'destroyServerGroup', 'rollbackCluster', 'scaleDownCluster', 'shrinkCluster']) {
      expect(ours.find((d) => d.type === t)?.contextSchema, t).toBeDefined();
    }
  });

  for (const { file, document } of REFERENCE_PIPELINES) {
    it(`accept ${file} (its only problems are stage types nobody implements yet)`, () => {
      const result = validatePipeline(structuredClone(document), { stageTypes, requireIdentity: false });
      const errors = result.valid ? [] : result.errors;
      expect(errors.filter((e) => !e.message.includes('not supported yet'))).toEqual([]);
      expect(semanticErrors(document as { stages: Array<Record<string, unknown>> })).toEqual([]);
    });
  }

  it('accept the example pipelines', () => {
    const dir = join(__dirname, '../../../examples/pipelines');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      const doc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const result = validatePipeline(doc, { stageTypes });
      expect(result.valid ? [] : result.errors, f).toEqual([]);
      expect(semanticErrors(doc), f).toEqual([]);
    }
  });

  it('refuse bad input naming the field', () => {
    const doc = {
      application: 'a',
      name: 'p',
      stages: [
        { refId: '1', type: 'deploy', clusters: [{ application: 'a-b', account: 'local', availabilityZones: { local: [] }, capacity: { min: 2, max: 1, desired: 1 }, strategy: 'redblack' }] },
        { refId: '2', type: 'resizeServerGroup', cluster: 'a-b-v001', credentials: 'local', regions: ['local'], capacity: { min: 1, max: 1, desired: 1 } },
        { refId: '3', type: 'destroyServerGroup', cluster: 'a', regions: ['local'], target: 'newest' },
        { refId: '4', type: 'findImage', cluster: 'a', credentials: 'local', selectionStrategy: 'RANDOM' },
        { refId: '5', type: 'bake', package: 'p', regions: [] },
      ],
    };
    const schema = validatePipeline(structuredClone(doc), { stageTypes });
    expect(schema.valid ? [] : schema.errors.map((e) => e.pointer)).toContain('/stages/3/selectionStrategy');
    expect(semanticErrors(doc).map((e) => e.pointer)).toEqual([
      '/stages/0/clusters/0/application',
      '/stages/0/clusters/0/capacity/min',
      '/stages/0/clusters/0/capacity/desired',
      '/stages/1/cluster',
      '/stages/2/credentials',
      '/stages/2/target',
      '/stages/4/regions',
    ]);
  });
});
