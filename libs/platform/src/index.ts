export * from './platform';
export * from './database-schema';
export * from './heap';
