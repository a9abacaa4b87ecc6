export * from './wait-for';
export * from './build';
export * from './receiver';
export * from './http-client';
export * from './stack';
export * from './traffic';
