// The stage definitions the apps register, built without starting Nest: the plugin factories are
// plain functions, and their dependencies are only used by tasks when they run, never by
// definitions, so inert stand-ins are enough to read types, schemas, outputs and examples.
import { canaryStagesPlugin } from '@gennaker/canary-runtime';
import { cloudStagesPlugin } from '@gennaker/cloud';
import { builtinStageDefinitions, builtinTasks, StageRegistry, type StagePlugin } from '@gennaker/engine';
import { coreStagesPlugin } from '@gennaker/stages';

/** Stands in for a dependency a task would use; the docs never run a task. */
const inert = {} as never;

/**
 * Every stage plugin, in the order of `pluginTokens` in libs/platform/src/platform.ts, by the name
 * of its token there. The docs spec fails when platform.ts registers a token missing here.
 */
export const REFERENCE_PLUGINS: ReadonlyArray<{ token: string; title: string; plugin: () => StagePlugin }> = [
  { token: 'CORE_STAGES', title: 'Core stages', plugin: () => coreStagesPlugin({ launcher: inert }) },
  { token: 'CLOUD_STAGES', title: 'Cloud stages', plugin: () => cloudStagesPlugin({ providers: inert, lock: inert }) },
  { token: 'CANARY_STAGES', title: 'Canary stages', plugin: () => canaryStagesPlugin({ configs: inert, results: inert, sources: inert, cloud: null, lock: null }) },
];

/** The registry as api and worker build it (it refuses a stage type or task defined twice, or a task nobody implements). */
export function referenceRegistry(): { registry: StageRegistry; plugins: Array<{ title: string; plugin: StagePlugin }> } {
  const plugins = REFERENCE_PLUGINS.map((p) => ({ title: p.title, plugin: p.plugin() }));
  const registry = new StageRegistry(
    [...builtinStageDefinitions, ...plugins.flatMap((p) => p.plugin.definitions)],
    [...builtinTasks, ...plugins.flatMap((p) => p.plugin.tasks)],
  );
  return { registry, plugins };
}
