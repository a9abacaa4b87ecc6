export * from './settings';
export * from './secret-box.service';
export * from './webhook.service';
export * from './delivery-log.service';
export * from './pipeline-sync.service';
export * from './sync-requests.service';
export * from './cron-schedulers.service';
export * from './trigger-runtime.module';
