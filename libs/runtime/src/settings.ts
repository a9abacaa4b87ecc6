import { DEFAULT_DATABASE_URL } from '@gennaker/persistence';

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`setting ${name} must be a non-negative number, got "${raw}"`);
  return n;
}

/** Every setting of the engine runtime, read from the environment once. */
export interface RuntimeSettings {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  engineConcurrency: number;
  taskConcurrency: number;
  cloudConcurrency: number;
  canaryConcurrency: number;
  /** BullMQ job lock: how soon a job of a dead worker is taken over. */
  jobLockMs: number;
  /** How often the repair sweep runs, and how overdue a message must be before it is re-sent. */
  repairIntervalMs: number;
  repairGraceMs: number;
  relayIntervalMs: number;
  retentionDays: number;
  retentionMaxPerPipeline: number;
  retentionIntervalMs: number;
  /** Longest single task invocation before it is aborted and retried. */
  taskInvocationTimeoutMs: number;
  dbPoolSize: number;
  /**
   * Most engine messages one group transaction applies together when several wait (group commit);
   * 1 applies each in a transaction of its own.
   */
  groupCommit: number;
  /** Run pure, quick tasks (wait 0, variables, judgments) in the step that starts them; off = always queue. */
  inlineTasks: boolean;
  /**
   * This process runs the queue processors (a worker; set by the module, not the environment): it
   * handles an execution's "finished" message itself, right after the commit that wrote it.
   */
  worker?: boolean;
}

export function readRuntimeSettings(env: NodeJS.ProcessEnv = process.env): RuntimeSettings {
  void env;
  return {
    databaseUrl: process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL,
    redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    queuePrefix: process.env['GENNAKER_QUEUE_PREFIX'] ?? 'gennaker',
    engineConcurrency: int('GENNAKER_ENGINE_CONCURRENCY', 16),
    taskConcurrency: int('GENNAKER_TASK_CONCURRENCY', 32),
    cloudConcurrency: int('GENNAKER_CLOUD_CONCURRENCY', 16),
    canaryConcurrency: int('GENNAKER_CANARY_CONCURRENCY', 8),
    jobLockMs: int('GENNAKER_JOB_LOCK_MS', 30_000),
    repairIntervalMs: int('GENNAKER_REPAIR_INTERVAL_MS', 10_000),
    repairGraceMs: int('GENNAKER_REPAIR_GRACE_MS', 15_000),
    relayIntervalMs: int('GENNAKER_RELAY_INTERVAL_MS', 500),
    retentionDays: int('GENNAKER_RETENTION_DAYS', 30),
    retentionMaxPerPipeline: int('GENNAKER_RETENTION_MAX_PER_PIPELINE', 1000),
    retentionIntervalMs: int('GENNAKER_RETENTION_INTERVAL_MS', 3_600_000),
    taskInvocationTimeoutMs: int('GENNAKER_TASK_INVOCATION_TIMEOUT_MS', 120_000),
    dbPoolSize: int('GENNAKER_DB_POOL_SIZE', 20),
    inlineTasks: process.env['GENNAKER_INLINE_TASKS'] !== 'false',
    groupCommit: Math.max(1, int('GENNAKER_ENGINE_GROUP_COMMIT', 32)),
  };
}
