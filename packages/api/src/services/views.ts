import { attachments, messages, reactions, type Database, type users } from '@pigeon/db';
import {
  limits,
  type AttachmentKind,
  type AttachmentView,
  type Me,
  type Message,
  type ReplyQuote,
} from '@pigeon/schema';
import { asc, inArray } from 'drizzle-orm';
import type { Tx } from '../core/types';

type MessageRow = typeof messages.$inferSelect;

/* Database rows to wire shapes: the one place that decides what leaves the server. */

export function toMe(user: typeof users.$inferSelect): Me {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    createdAt: user.createdAt.toISOString(),
    isBot: user.isBot,
    isAdmin: user.isAdmin,
  };
}

export function toMessage(
  row: MessageRow,
  extras: {
    replyTo?: ReplyQuote | null;
    reactions?: Message['reactions'];
    attachments?: AttachmentView[];
  } = {},
): Message {
  return {
    id: row.id,
    conversationId: row.conversationId,
    senderId: row.senderId,
    clientId: row.clientId,
    body: row.deletedAt ? '' : row.body,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    deletedAt: row.deletedAt?.toISOString() ?? null,
    replyTo: extras.replyTo ?? null,
    reactions: extras.reactions ?? [],
    attachments: row.deletedAt ? [] : (extras.attachments ?? []),
  };
}

type AttachmentRow = typeof attachments.$inferSelect;

/** An attachment as messages carry it; image fields only where the upload was an image. */
export function toAttachmentView(row: AttachmentRow): AttachmentView {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    contentType: row.contentType,
    // Stored kinds passed the table's check on the way in.
    kind: row.kind as AttachmentKind,
    ...(row.width === null ? {} : { width: row.width }),
    ...(row.height === null ? {} : { height: row.height }),
    ...(row.blurhash === null ? {} : { blurhash: row.blurhash }),
  };
}

/** The attachments of these messages, each list in the order it was sent: one query. */
export async function attachmentsOf(
  db: Database | Tx,
  messageIds: readonly number[],
): Promise<Map<number, AttachmentView[]>> {
  const byMessage = new Map<number, AttachmentView[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db
    .select()
    .from(attachments)
    .where(inArray(attachments.messageId, [...new Set(messageIds)]))
    .orderBy(asc(attachments.messageId), asc(attachments.position));
  for (const row of rows) {
    if (row.messageId === null) continue;
    const list = byMessage.get(row.messageId) ?? [];
    list.push(toAttachmentView(row));
    byMessage.set(row.messageId, list);
  }
  return byMessage;
}

/**
 * At most `max` UTF-16 units, never half a character: a lone surrogate is not valid JSON text
 * for PostgreSQL's jsonb. The send function cuts quotes the same way (pigeon_utf16_prefix).
 */
export function utf16Prefix(text: string, max: number): string {
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

export function toQuote(row: MessageRow): ReplyQuote {
  const deleted = row.deletedAt !== null;
  return {
    id: row.id,
    senderId: row.senderId,
    body: deleted ? '' : utf16Prefix(row.body, limits.replyExcerpt.max),
    deleted,
  };
}

/**
 * Rows to messages with their reply quotes, reactions and attachments: three queries for any
 * number of rows.
 */
export async function messageViews(db: Database | Tx, rows: readonly MessageRow[]): Promise<Message[]> {
  if (rows.length === 0) return [];
  const replyIds = [...new Set(rows.flatMap((r) => (r.replyToId === null ? [] : [r.replyToId])))];
  const [quoted, reacted, attached] = await Promise.all([
    replyIds.length ? db.select().from(messages).where(inArray(messages.id, replyIds)) : Promise.resolve([]),
    db
      .select({ messageId: reactions.messageId, userId: reactions.userId, emoji: reactions.emoji })
      .from(reactions)
      .where(
        inArray(
          reactions.messageId,
          rows.map((r) => r.id),
        ),
      )
      .orderBy(asc(reactions.createdAt)),
    attachmentsOf(
      db,
      rows.flatMap((r) => (r.deletedAt ? [] : [r.id])),
    ),
  ]);
  const quotes = new Map(quoted.map((q) => [q.id, toQuote(q)]));
  const byMessage = new Map<number, Message['reactions']>();
  for (const { messageId, userId, emoji } of reacted) {
    const list = byMessage.get(messageId) ?? [];
    const entry = list.find((r) => r.emoji === emoji);
    // Stored emoji passed the schema on the way in.
    if (entry) entry.userIds.push(userId);
    else list.push({ emoji: emoji as Message['reactions'][number]['emoji'], userIds: [userId] });
    byMessage.set(messageId, list);
  }
  return rows.map((row) =>
    toMessage(row, {
      replyTo: row.replyToId === null ? null : (quotes.get(row.replyToId) ?? null),
      reactions: byMessage.get(row.id) ?? [],
      attachments: attached.get(row.id) ?? [],
    }),
  );
}
