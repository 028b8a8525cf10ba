import { attachments, conversationMembers, fileRemovals, messages, type Database } from '@pigeon/db';
import type { FileStore } from '@pigeon/media';
import { limits, type AttachmentKind, type AttachmentView } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Logger, Tx } from '../core/types';
import { toAttachmentView } from './views';

/** The bounds on uploads, from the environment (UPLOAD_*, MESSAGE_MAX_ATTACHMENTS). */
export interface UploadLimits {
  /** One file, enforced while it streams in. */
  maxBytes: number;
  /** Attachments on one message (at most `limits.attachmentsPerMessage.max`). */
  maxPerMessage: number;
  /** The sum of one user's stored uploads, attached or not. */
  quotaBytes: number;
  /** An upload on no message after this long is removed by the sweep. */
  orphanTtlSeconds: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxBytes: limits.uploadBytes.default,
  maxPerMessage: limits.attachmentsPerMessage.default,
  quotaBytes: 1024 * 1024 * 1024,
  orphanTtlSeconds: 24 * 60 * 60,
};

/** A processed upload, about to be recorded; its bytes go to the store under these keys after. */
export interface NewUpload {
  id: string;
  uploaderId: string;
  name: string;
  size: number;
  contentType: string;
  kind: AttachmentKind;
  width?: number | undefined;
  height?: number | undefined;
  blurhash?: string | undefined;
  originalKey: string;
  previewKey: string | null;
}

/** Where an upload's bytes live: one folder per uploader, so an account's files are easy to find. */
export function uploadKeys(uploaderId: string, id: string): { original: string; preview: string } {
  return { original: `attachments/${uploaderId}/${id}`, preview: `attachments/${uploaderId}/${id}.preview` };
}

export function quotaExceeded(quotaBytes: number): TRPCError {
  return new TRPCError({
    code: 'PAYLOAD_TOO_LARGE',
    message: `Your uploads would pass your storage quota of ${formatBytes(quotaBytes)}. Delete messages with files to make room.`,
  });
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${+(bytes / 1024).toFixed(1)} KiB`;
}

/** Bytes the user's uploads take now. */
export async function usedBytes(db: Database | Tx, userId: string): Promise<number> {
  const [row] = await db
    .select({ used: sql<string>`coalesce(sum(${attachments.size}), 0)` })
    .from(attachments)
    .where(eq(attachments.uploaderId, userId));
  return Number(row?.used ?? 0);
}

/**
 * Records an upload if it fits the uploader's quota: the check and the insert under a per-user
 * lock, so two uploads at once cannot both squeeze into the last free bytes. The row is written
 * before the bytes, so a crash in between leaves an orphan the sweep removes, never stray bytes.
 */
export async function recordUpload(
  db: Database,
  upload: NewUpload,
  quotaBytes: number,
): Promise<AttachmentView> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`pigeon:upload-quota:${upload.uploaderId}`}))`,
    );
    // Originals only: an image's preview is small and bounded, and not the user's to manage.
    if ((await usedBytes(tx, upload.uploaderId)) + upload.size > quotaBytes) throw quotaExceeded(quotaBytes);
    const [row] = await tx
      .insert(attachments)
      .values({
        id: upload.id,
        uploaderId: upload.uploaderId,
        name: upload.name,
        size: upload.size,
        contentType: upload.contentType,
        kind: upload.kind,
        width: upload.width ?? null,
        height: upload.height ?? null,
        blurhash: upload.blurhash ?? null,
        originalKey: upload.originalKey,
        previewKey: upload.previewKey,
      })
      .returning();
    if (!row) throw new Error('attachment insert returned nothing');
    return toAttachmentView(row);
  });
}

/**
 * The attachment if the viewer may read it, else null (answered 404, revealing nothing): their
 * own upload not yet sent, or one on a live message of a conversation they are in now (and have
 * not cleared it from). A removed member, like a stranger, reads nothing.
 */
export async function readableAttachment(
  db: Database,
  viewerId: string,
  attachmentId: string,
): Promise<typeof attachments.$inferSelect | null> {
  const [found] = await db
    .select({ attachment: attachments, deletedAt: messages.deletedAt, messageId: messages.id })
    .from(attachments)
    .leftJoin(messages, eq(messages.id, attachments.messageId))
    .where(eq(attachments.id, attachmentId));
  if (!found) return null;
  const { attachment } = found;
  if (attachment.messageId === null) return attachment.uploaderId === viewerId ? attachment : null;
  if (found.messageId === null || found.deletedAt !== null || attachment.conversationId === null) return null;
  const [membership] = await db
    .select({ clearedUpTo: conversationMembers.clearedUpToMessageId })
    .from(conversationMembers)
    .where(
      and(
        eq(conversationMembers.conversationId, attachment.conversationId),
        eq(conversationMembers.userId, viewerId),
      ),
    );
  if (!membership) return null;
  if (membership.clearedUpTo !== null && attachment.messageId <= membership.clearedUpTo) return null;
  return attachment;
}

/** Deletes rows and queues their bytes for removal, in the caller's transaction; returns the keys. */
async function removeRows(tx: Tx, where: SQL | undefined): Promise<string[]> {
  const gone = await tx
    .delete(attachments)
    .where(where)
    .returning({ original: attachments.originalKey, preview: attachments.previewKey });
  const keys = gone.flatMap((g) => (g.preview ? [g.original, g.preview] : [g.original]));
  await queueFileRemovals(tx, keys);
  return keys;
}

/**
 * Queues stored objects for removal in the caller's transaction, so the change that drops their
 * last reference and the promise to remove their bytes commit together. The bytes go after the
 * commit (hand the keys to `outbox.filesRemoved`); whatever that misses, the sweep retries.
 */
export async function queueFileRemovals(tx: Tx, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await tx
    .insert(fileRemovals)
    .values(keys.map((key) => ({ key })))
    .onConflictDoNothing();
}

/** An upload whose bytes could not be stored: the row goes, whatever bytes made it are queued. */
export async function forgetUpload(db: Database, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(attachments).where(eq(attachments.id, id));
    await removeRows(tx, eq(attachments.id, id));
    // The preview key is queued too: it may have been written before the original failed.
    if (row) await queueFileRemovals(tx, [`${row.originalKey}.preview`]);
  });
}

/** A deleted message's attachments: rows now, bytes after commit (the outbox) or by the sweep. */
export function removeMessageAttachments(tx: Tx, messageId: number): Promise<string[]> {
  return removeRows(tx, eq(attachments.messageId, messageId));
}

/** Everything a user uploaded, sent or not (account deletion). */
export function removeUploadsOf(tx: Tx, userId: string): Promise<string[]> {
  return removeRows(tx, eq(attachments.uploaderId, userId));
}

const SWEEP_BATCH = 500;

/**
 * One pass of the sweep: uploads on no message for longer than the TTL are deleted (their bytes
 * queued), then queued bytes are removed from the store. Rows are taken FOR UPDATE SKIP LOCKED,
 * so instances sweeping at once share the work instead of doing it twice, and a send attaching
 * an upload (which locks it) is never swept from under. Returns how many uploads and files went.
 */
export async function sweepFiles(
  deps: { db: Database; files: FileStore; log: Logger },
  orphanTtlSeconds: number,
): Promise<{ orphans: number; files: number }> {
  const orphans = await deps.db.transaction(async (tx) => {
    const cutoff = new Date(Date.now() - orphanTtlSeconds * 1000);
    const stale = await tx
      .select({ id: attachments.id })
      .from(attachments)
      .where(and(isNull(attachments.messageId), sql`${attachments.createdAt} < ${cutoff.toISOString()}`))
      .orderBy(attachments.createdAt)
      .limit(SWEEP_BATCH)
      .for('update', { skipLocked: true });
    if (stale.length === 0) return 0;
    await removeRows(
      tx,
      and(
        inArray(
          attachments.id,
          stale.map((s) => s.id),
        ),
        isNull(attachments.messageId),
      ),
    );
    return stale.length;
  });
  const files = await deps.db.transaction(async (tx) => {
    const queued = await tx
      .select({ key: fileRemovals.key })
      .from(fileRemovals)
      .orderBy(fileRemovals.queuedAt)
      .limit(SWEEP_BATCH)
      .for('update', { skipLocked: true });
    if (queued.length === 0) return 0;
    const keys = queued.map((q) => q.key);
    // Inside the transaction: the entries stay locked (and queued, if this fails) until done.
    await deps.files.remove(keys);
    await tx.delete(fileRemovals).where(inArray(fileRemovals.key, keys));
    return keys.length;
  });
  return { orphans, files };
}

/** Runs the sweep every `everyMs` until stopped; a failed pass is logged and the next one tries. */
export function startFileSweeper(
  deps: { db: Database; files: FileStore; log: Logger },
  options: { orphanTtlSeconds: number; everyMs: number },
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepFiles(deps, options.orphanTtlSeconds)
      .then((swept) => {
        if (swept.orphans > 0 || swept.files > 0) deps.log.info(swept, 'file sweep');
      })
      .catch((err: unknown) => deps.log.warn({ err }, 'file sweep failed'))
      .finally(() => {
        running = false;
      });
  }, options.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
