import type { AppStore } from '../store';
import { attachmentUploaded, type PendingMessage } from '../store/outbox';
import { dropQueuedFile, queuedFile } from './outbox-blobs';
import type { SessionTokens } from './session-tokens';
import { UploadError, uploadAttachment } from './upload-attachment';

/**
 * Before a queued message goes: uploads the files still waiting on the device (queued offline),
 * one by one, noting each in the outbox as it lands, and answers the message's attachment ids
 * in the order chosen. A failure throws (an UploadError: a 4xx fails the message, anything else
 * leaves it queued for the next try, which uploads only what is still missing).
 */
export async function uploadQueuedFiles(
  store: AppStore,
  tokens: SessionTokens,
  message: PendingMessage,
): Promise<string[]> {
  const ids: string[] = [];
  for (const file of message.attachments ?? []) {
    if (file.view) {
      ids.push(file.view.id);
      continue;
    }
    const blob = await queuedFile(file.localId);
    // 410: gone from this device (storage cleared): sending it again can't help.
    if (!blob) throw new UploadError(`“${file.name}” is no longer on this device.`, 410);
    const view = await uploadAttachment(tokens, blob, file.name);
    store.dispatch(attachmentUploaded({ clientId: message.clientId, localId: file.localId, view }));
    void dropQueuedFile(file.localId);
    ids.push(view.id);
  }
  return ids;
}
