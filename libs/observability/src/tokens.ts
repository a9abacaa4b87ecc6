/** Nest injection tokens of the observability module. */
export const OBSERVABILITY_SETTINGS = Symbol('OBSERVABILITY_SETTINGS');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const TRACING = Symbol('TRACING');
