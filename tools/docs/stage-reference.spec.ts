import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stageTypesOf } from '@gennaker/configs';
import type { StageDefinition, StagePlugin } from '@gennaker/engine';
import { validatePipeline } from '@gennaker/pipeline';
import { describe, expect, it } from 'vitest';
import { DOCS_ROOT, generatedPages } from './generate';
import { REFERENCE_PLUGINS, referenceRegistry } from './stage-registry';
import { alternativeNames, missingDocs, renderStageReference, stageAnchor } from './stage-reference';

const { registry, plugins } = referenceRegistry();
const userStages = registry.definitions().filter((d) => !d.internal);

describe('the generated references (docs/reference/stages.md, pipeline.md)', () => {
  it('are up to date (run `npm run docs:stages` after changing a stage definition or the pipeline schema)', () => {
    for (const [page, text] of Object.entries(generatedPages())) {
      expect(readFileSync(resolve(DOCS_ROOT, page), 'utf8'), `docs/${page} is stale: run npm run docs:stages`).toBe(text);
    }
  });

  it('are generated from the plugins the apps load (pluginTokens of libs/platform/src/platform.ts)', () => {
    const platform = readFileSync(resolve(__dirname, '../../libs/platform/src/platform.ts'), 'utf8');
    const tokens = /pluginTokens:\s*\[([^\]]*)\]/.exec(platform)?.[1]?.split(',').map((t) => t.trim()).filter(Boolean);
    expect(tokens, 'add the new plugin to REFERENCE_PLUGINS in tools/docs/stage-registry.ts').toEqual(REFERENCE_PLUGINS.map((p) => p.token));
  });

  it('give every stage a user can write a description, a context schema, its outputs and an example', () => {
    const missing = userStages.map((d) => ({ type: d.type, missing: missingDocs(d) })).filter((m) => m.missing.length > 0);
    expect(missing, 'stages without a complete reference entry').toEqual([]);
  });

  it('have an entry (### `type`) for every stage type and alias the API offers', () => {
    const page = readFileSync(resolve(DOCS_ROOT, 'reference/stages.md'), 'utf8');
    const headings = new Set([...page.matchAll(/^### `([^`]+)`$/gm)].map((m) => m[1]));
    for (const t of stageTypesOf(registry)) {
      expect(headings.has(t.type), `no entry for ${t.type}`).toBe(true);
      for (const alias of t.aliases ?? []) expect(page, `alias ${alias} of ${t.type}`).toContain(`Spinnaker also calls it \`${alias}\``);
    }
  });

  it('show examples that validate as stages of a pipeline, schema and semantic checks included', () => {
    const stageTypes = stageTypesOf(registry);
    for (const def of userStages) {
      const stage = { requisiteStageRefIds: [], ...def.example } as Record<string, unknown>;
      // A lone example names no upstream stage.
      stage['requisiteStageRefIds'] = [];
      const result = validatePipeline({ application: 'docs', name: def.type, stages: [stage] }, { stageTypes });
      expect(result.valid ? [] : result.errors, `example of ${def.type}`).toEqual([]);
      expect(def.validate?.(stage) ?? [], `example of ${def.type}`).toEqual([]);
      expect(stage['type'], `example of ${def.type}`).toBe(def.type);
    }
  });

  it('would catch a stage added without docs: it is listed as incomplete and the page changes', () => {
    const bare: StageDefinition = { type: 'teleport', label: 'Teleport', description: '', taskTypes: [], plan: () => ({ tasks: [] }) };
    expect(missingDocs(bare)).toEqual(['description', 'example', 'outputs', 'contextSchema']);
    const withIt: Array<{ title: string; plugin: StagePlugin }> = [...plugins, { title: 'More', plugin: { name: 'more', definitions: [bare], tasks: [] } }];
    expect(renderStageReference(withIt)).not.toBe(generatedPages()['reference/stages.md']);
    expect(renderStageReference(withIt)).toContain(`[\`teleport\`](#${stageAnchor('teleport')})`);
  });

  it('list Spinnaker\'s two names for one setting: shared schemas, "Or ..." alternatives and known synonyms', () => {
    const shared = { type: 'string' };
    const schema = { properties: { credentials: shared, account: shared, lifetimeHours: { description: 'Hours.' }, lifetimeSeconds: { description: 'Or seconds.' }, serverGroupName: {}, asgName: {}, nested: { properties: { a: shared, b: shared } } } };
    expect(alternativeNames(schema)).toEqual([
      ['credentials', 'account'],
      ['lifetimeHours', 'lifetimeSeconds'],
      ['serverGroupName', 'asgName'],
      ['nested.a', 'nested.b'],
    ]);
  });
});
