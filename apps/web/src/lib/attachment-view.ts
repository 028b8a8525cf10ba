import type { Message } from '@pigeon/schema';

/**
 * A stored file as the server shows it (issue 17's contract: `POST /api/v1/uploads` answers one,
 * message views carry them). Mirrored here until the schema package exports it.
 */
export interface AttachmentView {
  id: string;
  name: string;
  size: number;
  contentType: string;
  kind: 'image' | 'video' | 'audio' | 'file';
  width?: number | undefined;
  height?: number | undefined;
  blurhash?: string | undefined;
}

/** The server's defaults (UPLOAD_MAX_BYTES, MESSAGE_MAX_ATTACHMENTS): checked here first, so a
 * file that can't go says so before a byte is sent; the server checks again. */
export const attachmentLimits = { maxBytes: 25 * 1024 * 1024, perMessage: 10 } as const;

/** A message's files (none for messages from before attachments, or a server without them). */
export function attachmentsOf(message: Message): AttachmentView[] {
  const { attachments } = message as Message & { attachments?: AttachmentView[] };
  return attachments ?? [];
}

/** 1 536 000 → "1.5 MB": sizes as people read them (decimal units, like the OS file managers). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
