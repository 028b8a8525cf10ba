export * from './client';
export * from './maintenance';
export * from './tables';
