export * from './file-store';
export { createFilesystemStore } from './filesystem-store';
export { createS3Store, type S3StoreOptions } from './s3-store';
export * from './staging';
export * from './inspect';
export * from './images';
