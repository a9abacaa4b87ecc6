export * from './in-memory-driver';
