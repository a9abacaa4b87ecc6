import { resolve } from 'node:path';

function flag(v: string | undefined): boolean {
  return v === '1' || v === 'true' || v === 'yes';
}

/** Settings of the cloud layer, from the environment. */
export interface CloudSettings {
  accountsFile: string | null;
  /** Local provider: images, logs (GENNAKER_DATA_DIR, default .data in the working directory). */
  dataDir: string;
  /** Local provider: where relative bake directories resolve (the working directory). */
  cwd: string;
  /** Local provider: address the load balancers listen on. */
  bindHost: string;
  /** Local provider: leave instances running on a clean shutdown (the next worker adopts them). */
  keepInstancesOnShutdown: boolean;
  /** Local provider: instances outlive a dead host this long before the reaper stops them (0: never). */
  orphanGraceMs: number;
  clusterLockTtlMs: number;
}

export function readCloudSettings(env: NodeJS.ProcessEnv = process.env): CloudSettings {
  const cwd = process.cwd();
  const ttl = Number(env['GENNAKER_CLUSTER_LOCK_TTL_MS'] ?? 3_600_000);
  const grace = Number(env['GENNAKER_LOCAL_ORPHAN_GRACE_MS'] ?? 60_000);
  return {
    accountsFile: env['GENNAKER_ACCOUNTS_FILE'] ? resolve(cwd, env['GENNAKER_ACCOUNTS_FILE']) : null,
    dataDir: resolve(cwd, env['GENNAKER_DATA_DIR'] ?? '.data'),
    cwd,
    bindHost: env['GENNAKER_LOCAL_BIND_HOST'] ?? '127.0.0.1',
    keepInstancesOnShutdown: flag(env['GENNAKER_LOCAL_KEEP_INSTANCES']),
    orphanGraceMs: Number.isFinite(grace) && grace >= 0 ? grace : 60_000,
    clusterLockTtlMs: Number.isFinite(ttl) && ttl > 0 ? ttl : 3_600_000,
  };
}
