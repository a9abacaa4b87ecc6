export * from './metric-source-suite';
export * from './in-memory-metric.source';
