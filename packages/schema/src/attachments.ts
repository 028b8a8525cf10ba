import { z } from 'zod';
import { limits } from './limits';
import { text } from './text';

/** The id of an upload, attached to a message or still waiting to be. */
export const attachmentId = z.uuid({ error: 'Must be an attachment id (UUID).' });

/** How the web app shows a file: from the bytes, never from the name or the uploader's word. */
export const ATTACHMENT_KINDS = ['image', 'video', 'audio', 'file'] as const;
export const attachmentKind = z.enum(ATTACHMENT_KINDS);
export type AttachmentKind = z.infer<typeof attachmentKind>;

/**
 * A file as messages carry it. The bytes are fetched from `/api/v1/attachments/{id}/original`
 * (and `/preview` for images) with the viewer's token; width, height and blurhash are set for
 * images only.
 */
export const attachmentView = z.object({
  id: attachmentId,
  name: z.string(),
  size: z.number().int().nonnegative(),
  contentType: z.string(),
  kind: attachmentKind,
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  blurhash: z.string().optional(),
});
export type AttachmentView = z.infer<typeof attachmentView>;

/**
 * The name an upload is given (`?name=`): shown to the others and offered when they download it.
 * No path separators or control characters, so it cannot pose as a path or break a header.
 */
export const attachmentName = text('A file name is required.')
  .trim()
  .min(1, 'A file name is required.')
  .max(limits.attachmentName.max, `A file name can be at most ${limits.attachmentName.max} characters.`)
  .refine(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    (name) => !/[/\\\u0000-\u001f\u007f]/.test(name),
    'A file name cannot hold slashes or control characters.',
  )
  .refine((name) => name !== '.' && name !== '..', 'That is not a file name.');

/** The attachments of one send: distinct ids, at most the schema's hard cap (the server may allow fewer). */
export const attachmentIds = z
  .array(attachmentId)
  .max(
    limits.attachmentsPerMessage.max,
    `A message can carry at most ${limits.attachmentsPerMessage.max} attachments.`,
  )
  .refine((ids) => new Set(ids).size === ids.length, 'The same attachment is listed twice.');

/**
 * What this server accepts (its UPLOAD_MAX_BYTES, MESSAGE_MAX_ATTACHMENTS and UPLOAD_QUOTA_BYTES),
 * so an app can refuse a file before sending a byte of it.
 */
export const uploadLimitsView = z.object({
  /** One file, in bytes. */
  maxBytes: z.number().int().positive(),
  /** Attachments on one message. */
  maxPerMessage: z.number().int().positive().max(limits.attachmentsPerMessage.max),
  /** All of one user's stored uploads together, in bytes. */
  quotaBytes: z.number().int().positive(),
});
export type UploadLimitsView = z.infer<typeof uploadLimitsView>;
