export * from './notification-plan.util';
export * from './notification-payloads.util';
