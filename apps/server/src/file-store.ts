import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFilesystemStore, createS3Store, type FileStore } from '@pigeon/media';
import type { ServerConfig } from './config';
import type { Logger } from './logger';

/** The configured store, and what to clean up at shutdown. */
export interface ConfiguredFileStore {
  files: FileStore;
  close(): Promise<void>;
}

/**
 * Builds the file store from STORAGE_* / S3_* (config.storage). Without a storage setting and
 * with an in-memory database (tests), files go to a temporary directory removed on close, so
 * nothing outlives the data it belongs to.
 */
export async function configuredFileStore(config: ServerConfig, log: Logger): Promise<ConfiguredFileStore> {
  const storage = config.storage;
  if (storage?.driver === 's3') {
    const { driver: _driver, ...options } = storage;
    log.info({ storage: 's3', bucket: storage.bucket, endpoint: storage.endpoint ?? 'aws' }, 'file store');
    return { files: createS3Store(options), close: () => Promise.resolve() };
  }
  if (storage) {
    if (config.database.url) {
      log.warn(
        { storage: 'filesystem', dir: storage.dir },
        'files are kept on this instance’s disk: every instance must share STORAGE_DIR, or use STORAGE_DRIVER=s3',
      );
    } else {
      log.info({ storage: 'filesystem', dir: storage.dir }, 'file store');
    }
    return { files: createFilesystemStore({ root: storage.dir }), close: () => Promise.resolve() };
  }
  const dir = await mkdtemp(join(tmpdir(), 'pigeon-files-'));
  return {
    files: createFilesystemStore({ root: dir }),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
