import { DataSource } from 'typeorm';
import { ApplicationEntity } from './entities/application.entity';
import { ExecutionEntity } from './entities/execution.entity';
import { OutboxEntity } from './entities/outbox.entity';
import { PipelineConfigEntity } from './entities/pipeline-config.entity';
import { PipelineRevisionEntity } from './entities/pipeline-revision.entity';
import { StageEntity } from './entities/stage.entity';
import { TaskEntity } from './entities/task.entity';
import { InitialSchema1764140000000 } from './migrations/1764140000000-initial-schema';
import { ExecutionVersion1764160000000 } from './migrations/1764160000000-execution-version';
import { TriggerDeliveryEntity, TriggerStartEntity, TriggerTables1764150000000 } from '@gennaker/trigger-store';
import { CLOUD_ENTITIES, ClusterLocks1764171100000, LocalProvider1764171000000 } from '@gennaker/cloud-local';
import { AUTH_ENTITIES, AuthTables1764180000000 } from '@gennaker/auth-store';
import { CANARY_ENTITIES, CanaryTables1764190000000 } from '@gennaker/canary-runtime';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/gennaker';

export const ENTITIES = [
  ApplicationEntity,
  PipelineConfigEntity,
  PipelineRevisionEntity,
  ExecutionEntity,
  StageEntity,
  TaskEntity,
  OutboxEntity,
  TriggerDeliveryEntity,
  TriggerStartEntity,
  ...CLOUD_ENTITIES,
  ...AUTH_ENTITIES,
  ...CANARY_ENTITIES,
];

/** Every migration, in order. New ones are appended here (timestamped class names). */
export const MIGRATIONS = [InitialSchema1764140000000, TriggerTables1764150000000, ExecutionVersion1764160000000, LocalProvider1764171000000, ClusterLocks1764171100000, AuthTables1764180000000, CanaryTables1764190000000];

export interface DatabaseOptions {
  url?: string;
  /** Connection pool size per process. */
  poolSize?: number;
  applicationName?: string;
}

export function createDataSource(options: DatabaseOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url ?? process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    // Never: schema changes go through migrations only.
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'gennaker',
      // A stuck query must not hold an execution's row lock forever.
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
      connectionTimeoutMillis: 10_000,
    },
  });
}

const MIGRATION_LOCK = 727_001;

/**
 * Runs pending migrations under an advisory lock, so an api and several workers starting together
 * migrate once.
 */
export async function runMigrations(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
