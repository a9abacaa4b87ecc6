// Writes the generated reference pages: docs/reference/stages.md (from the stage definitions) and
// docs/reference/pipeline.md (from the pipeline JSON schema). Run: npm run docs:stages.
// tools/docs/stage-reference.spec.ts fails when the committed pages differ from what this makes.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stageTypesOf } from '@gennaker/configs';
import { pipelineJsonSchema } from '@gennaker/pipeline';
import { renderPipelineReference } from './pipeline-reference';
import { referenceRegistry } from './stage-registry';
import { renderStageReference } from './stage-reference';

export const DOCS_ROOT = resolve(__dirname, '../../docs');

/** Page path (relative to docs/) -> generated text. */
export function generatedPages(): Record<string, string> {
  const { registry, plugins } = referenceRegistry();
  return {
    'reference/stages.md': renderStageReference(plugins),
    'reference/pipeline.md': renderPipelineReference(pipelineJsonSchema(stageTypesOf(registry))),
  };
}

if (require.main === module) {
  for (const [page, text] of Object.entries(generatedPages())) {
    writeFileSync(resolve(DOCS_ROOT, page), text);
    console.log(`wrote docs/${page}`);
  }
}
