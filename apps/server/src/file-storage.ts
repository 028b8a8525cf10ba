import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFilesystemStore, type FileStore } from '@pigeon/media';
import type { ServerConfig } from './config';

/** Where uploads live on this instance, and where they are staged while they stream in. */
export interface FileStorage {
  files: FileStore;
  /** Temporary files of uploads in progress: emptied at start, so a restart leaves none behind. */
  stagingDir: string;
  close(): Promise<void>;
}

/**
 * The filesystem store inside the data directory (`files/`), with uploads staged beside it
 * (`upload-staging/`). An in-memory database gets a temporary directory, removed on close.
 */
export async function openFileStorage(config: ServerConfig): Promise<FileStorage> {
  const inMemory = config.database.dataDir.startsWith('memory://');
  const root = inMemory ? await mkdtemp(join(tmpdir(), 'pigeon-files-')) : config.database.dataDir;
  const stagingDir = join(root, 'upload-staging');
  // Leftovers of uploads cut off by a crash or restart: nobody is waiting for them.
  await rm(stagingDir, { recursive: true, force: true });
  return {
    files: createFilesystemStore({ root: join(root, 'files') }),
    stagingDir,
    async close() {
      if (inMemory) await rm(root, { recursive: true, force: true });
    },
  };
}
