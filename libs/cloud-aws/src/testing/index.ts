export * from './moto';
export * from './recording-proxy';
