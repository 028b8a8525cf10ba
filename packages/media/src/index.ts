export * from './file-store';
export { createFilesystemStore } from './filesystem-store';
export * from './staging';
