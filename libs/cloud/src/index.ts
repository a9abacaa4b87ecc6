export * from './provider.port';
