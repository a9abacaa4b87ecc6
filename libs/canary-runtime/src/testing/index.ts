export * from './in-memory-canary.stores';
