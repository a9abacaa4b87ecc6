/** Nest injection tokens of the runtime (explicit tokens: the build does not emit type metadata). */
export const RUNTIME_SETTINGS = Symbol('RUNTIME_SETTINGS');
export const STAGE_REGISTRY = Symbol('STAGE_REGISTRY');
export const EXPRESSIONS = Symbol('EXPRESSIONS');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const REDIS = Symbol('REDIS');
export const EXECUTION_REPOSITORY = Symbol('EXECUTION_REPOSITORY');
export const OUTBOX_REPOSITORY = Symbol('OUTBOX_REPOSITORY');
export const PIPELINE_CONFIG_REPOSITORY = Symbol('PIPELINE_CONFIG_REPOSITORY');
export const APPLICATION_REPOSITORY = Symbol('APPLICATION_REPOSITORY');
/** A list of `StagePlugin`s contributed by feature modules (core stages, cloud, canary). */
export const STAGE_PLUGINS = Symbol('STAGE_PLUGINS');
