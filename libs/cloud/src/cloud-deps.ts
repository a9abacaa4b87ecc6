import type { CloudProviderRegistry, ClusterLock } from './provider.port';

/** What the cloud stages' tasks need: the providers by account and the cluster lock. */
export interface CloudDeps {
  providers: CloudProviderRegistry;
  lock: ClusterLock;
  /** Lease of a cluster lock; every task under the lock renews it (default 1 h). */
  lockTtlMs?: number;
}

export const DEFAULT_LOCK_TTL_MS = 3_600_000;
/** Poll interval when a provider does not say (AWS-like clouds change in seconds, not milliseconds). */
export const DEFAULT_POLL_MS = 5_000;
