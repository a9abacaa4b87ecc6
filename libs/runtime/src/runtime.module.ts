import { builtinStageDefinitions, builtinTasks, DeferredLauncher, EXECUTION_LAUNCHER, StageRegistry, type ExpressionPort, type StagePlugin } from '@gennaker/engine';
import { evaluateObject, evaluateTemplate } from '@gennaker/expressions';
import {
  ApplicationRepository,
  createDataSource,
  ExecutionRepository,
  OutboxRepository,
  PipelineConfigRepository,
  runMigrations,
  type SchemaClass,
} from '@gennaker/persistence';
import { BullModule } from '@nestjs/bullmq';
import { Global, Inject, Module, type DynamicModule, type InjectionToken, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import type { DataSource } from 'typeorm';
import { OutboxDispatcher } from './dispatcher.service';
import { EngineService } from './engine.service';
import { EventBus } from './event-bus.service';
import { ExecutionService } from './execution.service';
import { MaintenanceService } from './maintenance.service';
import { CanaryProcessor, CloudProcessor, EngineProcessor, TasksProcessor } from './processors/engine.processor';
import { QUEUES } from './queues';
import { redisOptions } from './redis.util';
import { readRuntimeSettings, type RuntimeSettings } from './settings';
import { TaskRunner } from './task-runner.service';
import {
  APPLICATION_REPOSITORY,
  DATA_SOURCE,
  EXECUTION_REPOSITORY,
  EXPRESSIONS,
  OUTBOX_REPOSITORY,
  PIPELINE_CONFIG_REPOSITORY,
  RUNTIME_SETTINGS,
  STAGE_REGISTRY,
} from './tokens';

export interface RuntimeModuleOptions {
  /** Worker processes run the queue processors and housekeeping; the API only writes and enqueues. */
  worker: boolean;
  /** Modules that provide stage plugins, and the tokens of those plugins. */
  pluginModules: DynamicModule['imports'];
  pluginTokens: InjectionToken[];
  settings?: Partial<RuntimeSettings>;
  /** Every entity and migration of the process (composed by libs/platform). */
  schema?: { entities: SchemaClass[]; migrations: SchemaClass[] };
}

const expressionPort: ExpressionPort = {
  evaluateObject: (value, scope) => evaluateObject(value, scope),
  evaluateTemplate: (text, scope) => evaluateTemplate(text, scope),
};

class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/**
 * The engine runtime: Postgres (migrated at start), the BullMQ queues, the engine and task runner,
 * and in workers the processors and housekeeping.
 */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(options: RuntimeModuleOptions): DynamicModule {
    const settings: RuntimeSettings = { ...readRuntimeSettings(), ...options.settings, worker: options.worker === true };
    const providers: Provider[] = [
      { provide: RUNTIME_SETTINGS, useValue: settings },
      {
        provide: DATA_SOURCE,
        useFactory: async () => {
          const ds = createDataSource({
            url: settings.databaseUrl,
            poolSize: settings.dbPoolSize,
            applicationName: options.worker ? 'gennaker-worker' : 'gennaker-api',
            entities: options.schema?.entities,
            migrations: options.schema?.migrations,
          });
          await ds.initialize();
          await runMigrations(ds);
          return ds;
        },
      },
      DataSourceCloser,
      { provide: EXECUTION_REPOSITORY, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new ExecutionRepository(ds) },
      { provide: OUTBOX_REPOSITORY, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new OutboxRepository(ds) },
      { provide: PIPELINE_CONFIG_REPOSITORY, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new PipelineConfigRepository(ds) },
      { provide: APPLICATION_REPOSITORY, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new ApplicationRepository(ds) },
      { provide: EXPRESSIONS, useValue: expressionPort },
      { provide: EXECUTION_LAUNCHER, useValue: new DeferredLauncher() },
      {
        provide: STAGE_REGISTRY,
        inject: options.pluginTokens,
        // Refuses to start when a stage type or task has no implementation, or two.
        useFactory: (...plugins: StagePlugin[]) =>
          new StageRegistry(
            [...builtinStageDefinitions, ...plugins.flatMap((p) => p.definitions)],
            [...builtinTasks, ...plugins.flatMap((p) => p.tasks)],
          ),
      },
      OutboxDispatcher,
      EventBus,
      EngineService,
      TaskRunner,
      ExecutionService,
    ];
    if (options.worker) providers.push(MaintenanceService, EngineProcessor, TasksProcessor, CloudProcessor, CanaryProcessor);
    return {
      module: RuntimeModule,
      imports: [
        BullModule.forRoot({ connection: redisOptions(settings.redisUrl) as ConnectionOptions, prefix: settings.queuePrefix }),
        ...QUEUES.map((name) => BullModule.registerQueue({ name })),
        ...(options.pluginModules ?? []),
      ],
      providers,
      exports: [
        RUNTIME_SETTINGS,
        DATA_SOURCE,
        EXECUTION_REPOSITORY,
        OUTBOX_REPOSITORY,
        PIPELINE_CONFIG_REPOSITORY,
        APPLICATION_REPOSITORY,
        EXPRESSIONS,
        EXECUTION_LAUNCHER,
        STAGE_REGISTRY,
        OutboxDispatcher,
        EventBus,
        EngineService,
        TaskRunner,
        ExecutionService,
        ...(options.worker ? [MaintenanceService] : []),
      ],
    };
  }
}
