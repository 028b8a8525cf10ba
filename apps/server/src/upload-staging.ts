import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerConfig } from './config';

/** Where uploads are written while they stream in, before they are checked and stored. */
export interface UploadStaging {
  dir: string;
  close(): Promise<void>;
}

/**
 * `upload-staging/` in the data directory, emptied at start: whatever a crash or restart cut
 * off mid-upload is gone, and nobody is waiting for it. An in-memory database (tests) stages in
 * a temporary directory, removed on close.
 */
export async function openUploadStaging(config: ServerConfig): Promise<UploadStaging> {
  if (config.database.dataDir.startsWith('memory://')) {
    const root = await mkdtemp(join(tmpdir(), 'pigeon-staging-'));
    return { dir: join(root, 'upload-staging'), close: () => rm(root, { recursive: true, force: true }) };
  }
  const dir = join(config.database.dataDir, 'upload-staging');
  await rm(dir, { recursive: true, force: true });
  return { dir, close: () => Promise.resolve() };
}
