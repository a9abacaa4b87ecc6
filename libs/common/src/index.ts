export * from './errors';
export * from './json-pointer';
export * from './json';
export * from './duration';
export * from './coalescer';
