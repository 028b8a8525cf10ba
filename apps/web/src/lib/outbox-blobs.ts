import { forgetKept, keep, readKept } from './offline-data';

/**
 * The bytes of files queued with an unsent message, kept on the device (IndexedDB stores Blobs
 * as they are) beside the outbox, so they survive a reload and go when the network is back. A
 * copy in memory serves where IndexedDB is unavailable (then they last as long as the tab).
 * Logging out wipes them with the rest of the device's copy.
 */
const inMemory = new Map<string, Blob>();
const blobKey = (localId: string) => `upload:${localId}`;

export async function keepQueuedFile(localId: string, blob: Blob): Promise<void> {
  inMemory.set(localId, blob);
  await keep(blobKey(localId), blob);
}

export async function queuedFile(localId: string): Promise<Blob | undefined> {
  return inMemory.get(localId) ?? (await readKept<Blob>(blobKey(localId)));
}

export async function dropQueuedFile(localId: string): Promise<void> {
  inMemory.delete(localId);
  await forgetKept(blobKey(localId));
}
