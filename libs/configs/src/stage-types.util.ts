import type { StageRegistry } from '@gennaker/engine';
import type { StageTypeInfo } from '@gennaker/pipeline';

/** What validation and the served schema know of each user-facing stage type. */
export function stageTypesOf(registry: StageRegistry): StageTypeInfo[] {
  return registry
    .definitions()
    .filter((d) => !d.internal)
    .map((d) => ({
      type: d.type,
      aliases: d.aliases,
      label: d.label,
      description: d.description,
      contextSchema: d.contextSchema,
    }));
}
