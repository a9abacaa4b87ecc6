export { CLOUD_PROVIDER_REGISTRY, CLUSTER_LOCK } from '@gennaker/cloud';

/** The cloud StagePlugin, for the runtime's stage registry. */
export const CLOUD_STAGES = Symbol('CLOUD_STAGES');
/** The accounts as read from GENNAKER_ACCOUNTS_FILE (with the built-in local account). */
export const CLOUD_ACCOUNTS = Symbol('CLOUD_ACCOUNTS');
/** Every configured provider (CloudProvider[]). */
export const CLOUD_PROVIDERS = Symbol('CLOUD_PROVIDERS');
/** The local provider's request metrics, for canary metric sources (LocalMetricsSource). */
export const LOCAL_METRICS_SOURCE = Symbol('LOCAL_METRICS_SOURCE');
