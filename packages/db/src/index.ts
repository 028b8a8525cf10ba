export * from './client';
export * from './tables';
