export * from './domain';
export * from './tokens';
export * from './notification-settings';
export * from './notification-senders.service';
export * from './notification-dispatch.service';
export * from './notifications.module';
