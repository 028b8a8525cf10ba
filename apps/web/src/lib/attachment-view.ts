import { limits, type UploadLimitsView } from '@pigeon/schema';

export type { AttachmentView } from '@pigeon/schema';

/** What the composer lets through (`messages.uploadLimits`): checked here first, so a file that
 * can't go says so before a byte is sent; the server checks again. */
export type AttachmentLimits = Pick<UploadLimitsView, 'maxBytes' | 'maxPerMessage'>;

/** A server's defaults, until this server has said its own (`useAttachmentLimits`). */
export const attachmentLimits: AttachmentLimits = {
  maxBytes: limits.uploadBytes.default,
  maxPerMessage: limits.attachmentsPerMessage.default,
};

/**
 * 1 572 864 → "1.5 MB": sizes as people read them, in steps of 1024 (so the 25 MiB limit reads
 * "25 MB", as the server's configuration says it).
 */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
