// @pigeon/media: where uploaded bytes go and what is done to them before anyone sees them.
// - FileStore (filesystem or S3-compatible) keeps bytes under '/'-separated keys;
// - stageUpload streams an upload to a temporary file, size limit enforced while streaming;
// - inspectFile names the type from the bytes, isInlineSafe says whether it may show in a page;
// - prepareImage / prepareAvatar re-encode images upright and without metadata.
// It imports no other Pigeon package; @pigeon/media/testing starts a local S3 server (s3rver).
export * from './file-store';
export { createFilesystemStore } from './filesystem-store';
export { createS3Store, type S3StoreOptions } from './s3-store';
export * from './staging';
export * from './inspect';
export * from './images';
