export * from './in-memory-provider';
export * from './stage-driver';
export * from './strategy-suite';
