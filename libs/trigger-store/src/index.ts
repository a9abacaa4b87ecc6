export * from './entities/trigger-delivery.entity';
export * from './entities/trigger-start.entity';
export * from './migrations/1764150000000-trigger-tables';
export * from './trigger-delivery.repository';
