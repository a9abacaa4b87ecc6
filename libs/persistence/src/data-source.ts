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
import { BufferedPipelinesFunction1764200000000 } from './migrations/1764200000000-buffered-pipelines-function';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/gennaker';

/**
 * The engine's own tables. Feature libs (triggers, cloud, auth, canary...) own theirs: the full
 * list of a process is composed in libs/platform/src/database-schema.ts, not here, so this lib
 * never depends on a feature lib.
 */
export const CORE_ENTITIES = [
  ApplicationEntity,
  PipelineConfigEntity,
  PipelineRevisionEntity,
  ExecutionEntity,
  StageEntity,
  TaskEntity,
  OutboxEntity,
];

/** The engine's own migrations, in order (timestamped class names). */
export const CORE_MIGRATIONS = [InitialSchema1764140000000, ExecutionVersion1764160000000, BufferedPipelinesFunction1764200000000];

/** A TypeORM entity class or migration class, as DataSource options take them. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type SchemaClass = Function;

export interface DatabaseOptions {
  url?: string;
  /** Connection pool size per process. */
  poolSize?: number;
  applicationName?: string;
  /** Entities and migrations of the whole process (default: the engine's own). */
  entities?: SchemaClass[];
  migrations?: SchemaClass[];
}

export function createDataSource(options: DatabaseOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url ?? process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL,
    entities: options.entities ?? CORE_ENTITIES,
    migrations: options.migrations ?? CORE_MIGRATIONS,
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
      // Waiting for a pooled connection is normal under load; failing after a short wait would make
      // BullMQ retry a job whose task already ran (a second webhook call).
      connectionTimeoutMillis: 60_000,
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
