import type { CloudProviderRegistry, ClusterLock } from '@gennaker/cloud';
import type { MetricSourceRegistry } from '@gennaker/metrics';
import type { CanaryConfigStore, CanaryResultStore } from './store/canary-store.port';

/** What the canary stages' tasks need. */
export interface CanaryDeps {
  configs: CanaryConfigStore;
  results: CanaryResultStore;
  sources: MetricSourceRegistry;
  /** The clouds, for canaries that deploy their baseline and canary (the `deployments` block). */
  cloud: CloudProviderRegistry | null;
  /** Locks the baseline and canary clusters while a canary uses them. */
  lock: ClusterLock | null;
  /** Lease of those locks (renewed by each deployment task); default 1 h. */
  lockTtlMs?: number;
}
