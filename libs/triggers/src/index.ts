export * from './git-event.model';
export * from './signature.util';
export * from './parse-delivery.util';
export * from './git-trigger.util';
export * from './pipeline-trigger.util';
export * from './cron.util';
export * from './artifacts.util';
export * from './trigger-validation.util';
