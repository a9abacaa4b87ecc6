export * from './in-memory-canary.stores';
export * from './canary-test-database';
