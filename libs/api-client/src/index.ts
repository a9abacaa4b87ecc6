export * from './openapi-document';
export * from './client';
export type { paths, components, operations } from './generated/schema';
