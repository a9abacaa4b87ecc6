import { ConfigsModule } from '@gennaker/configs';
import { DATA_SOURCE } from '@gennaker/runtime';
import { TriggerDeliveryRepository } from '@gennaker/trigger-store';
import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CronSchedulers, cronRepeatStrategy } from './cron-schedulers.service';
import { DeliveryLogService } from './delivery-log.service';
import { GitFetcher } from './git-fetcher.service';
import { PipelineSyncService } from './pipeline-sync.service';
import { PipelineTriggerListener } from './pipeline-trigger-listener.service';
import { RepoSyncQueue } from './repo-sync-queue.service';
import { RepoSyncService } from './repo-sync.service';
import { SecretBox } from './secret-box.service';
import { readTriggerSettings, TRIGGER_SETTINGS, TRIGGERS_QUEUE } from './settings';
import { SyncRequests } from './sync-requests.service';
import { TRIGGER_DELIVERIES } from './tokens';
import { TriggerHooks } from './trigger-hooks.service';
import { TriggerHousekeeping } from './trigger-housekeeping.service';
import { TriggerIndex } from './trigger-index.service';
import { TriggerStarts } from './trigger-starts.service';
import { TriggersProcessor } from './triggers.processor';
import { TxLimiter } from './tx-limiter.service';
import { WebhookService } from './webhook.service';

/**
 * Triggers for api and worker. Both record webhook deliveries and keep cron schedulers in step with
 * saves; workers also run ticks, repository syncs, pipeline triggers and the housekeeping. Needs the
 * (global) RuntimeModule.
 */
@Module({})
export class TriggerRuntimeModule {
  static forRoot(options: { worker: boolean }): DynamicModule {
    const providers: Provider[] = [
      { provide: TRIGGER_SETTINGS, useFactory: readTriggerSettings },
      { provide: TRIGGER_DELIVERIES, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new TriggerDeliveryRepository(ds) },
      SecretBox,
      TriggerIndex,
      TxLimiter,
      CronSchedulers,
      RepoSyncQueue,
      TriggerHooks,
      WebhookService,
      DeliveryLogService,
      PipelineSyncService,
      SyncRequests,
      TriggerStarts,
    ];
    if (options.worker) providers.push(GitFetcher, RepoSyncService, TriggersProcessor, PipelineTriggerListener, TriggerHousekeeping);
    return {
      module: TriggerRuntimeModule,
      imports: [ConfigsModule, BullModule.registerQueue({ name: TRIGGERS_QUEUE, settings: { repeatStrategy: cronRepeatStrategy } })],
      providers,
      exports: [WebhookService, DeliveryLogService, SyncRequests, PipelineSyncService, CronSchedulers, SecretBox],
    };
  }
}
