import { resolve } from 'node:path';

export const TRIGGER_SETTINGS = Symbol('TRIGGER_SETTINGS');
export const TRIGGERS_QUEUE = 'triggers';

/** Job names of the triggers queue (made in one place). */
export const TriggerJob = { CronTick: 'cron-tick', RepoSync: 'repo-sync' } as const;

export interface TriggerSettings {
  /** GENNAKER_DATA_DIR: the per-install secrets key (when GENNAKER_SECRETS_KEY is unset) and the git cache. */
  dataDir: string;
  /** GENNAKER_SECRETS_KEY: base64 of 32 bytes (AES-256-GCM key of trigger secrets). */
  secretsKey: string | null;
  /** GENNAKER_WEBHOOK_SECRET: the install's own webhook secret; a delivery signed with it may sync pipelines repositories. */
  webhookSecret: string | null;
  /** GENNAKER_TRIGGER_DELIVERY_RETENTION_DAYS (default 14). */
  deliveryRetentionDays: number;
  /** GENNAKER_GIT_TIMEOUT_MS: longest git fetch (default 60 s). */
  gitTimeoutMs: number;
  /** GENNAKER_CRON_RECONCILE_MS: how often workers check cron schedulers against the pipelines (default 30 s). */
  cronReconcileMs: number;
  /** GENNAKER_TRIGGER_INDEX_TTL_MS: how long a read of the triggers stands before it is checked again (default 500 ms). */
  indexTtlMs: number;
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`setting ${name} must be a non-negative number, got "${raw}"`);
  return n;
}

export function readTriggerSettings(): TriggerSettings {
  return {
    // The same default as the local provider's: one data dir per install.
    dataDir: resolve(process.env['GENNAKER_DATA_DIR'] || '.data'),
    secretsKey: process.env['GENNAKER_SECRETS_KEY'] || null,
    webhookSecret: process.env['GENNAKER_WEBHOOK_SECRET'] || null,
    deliveryRetentionDays: int('GENNAKER_TRIGGER_DELIVERY_RETENTION_DAYS', 14),
    gitTimeoutMs: int('GENNAKER_GIT_TIMEOUT_MS', 60_000),
    cronReconcileMs: int('GENNAKER_CRON_RECONCILE_MS', 30_000),
    indexTtlMs: int('GENNAKER_TRIGGER_INDEX_TTL_MS', 500),
  };
}
