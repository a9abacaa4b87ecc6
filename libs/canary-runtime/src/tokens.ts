/** Nest injection tokens of the canary runtime (explicit: the build emits no type metadata). */
export const CANARY_SETTINGS = Symbol('CANARY_SETTINGS');
/** The MetricSourceRegistry (Prometheus, CloudWatch, local). */
export const METRIC_SOURCES = Symbol('METRIC_SOURCES');
export const CANARY_CONFIG_REPOSITORY = Symbol('CANARY_CONFIG_REPOSITORY');
export const CANARY_RESULT_REPOSITORY = Symbol('CANARY_RESULT_REPOSITORY');
/** The canary StagePlugin, for the runtime's stage registry. */
export const CANARY_STAGES = Symbol('CANARY_STAGES');
