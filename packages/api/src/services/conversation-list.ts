import { conversationMembers, conversations, messages, users, type Database } from '@pigeon/db';
import type { Conversation } from '@pigeon/schema';
import { limits } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { attachmentsOf, toMessage } from './views';
import { publicUserColumns, toPublicUser } from './public-user';

/** One conversation as the viewer sees it (they must be in it). */
export async function conversationView(db: Database, viewerId: string, id: string): Promise<Conversation> {
  const [conversation] = await loadConversations(db, viewerId, [id]);
  if (!conversation) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such conversation.' });
  return conversation;
}

export function listConversations(db: Database, viewerId: string): Promise<Conversation[]> {
  return loadConversations(db, viewerId, null);
}

/** The viewer's conversations (all, or the given ids), newest activity first. */
async function loadConversations(
  db: Database,
  viewerId: string,
  ids: string[] | null,
): Promise<Conversation[]> {
  const activity = sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`;
  // Others' messages after the viewer's marker, counted no further than the cap (index range).
  const unread = sql<number>`(select count(*)::int from (select 1 from ${messages} unread
    where unread.conversation_id = ${conversations.id}
      and unread.id > greatest(coalesce(${conversationMembers.lastReadMessageId}, 0), coalesce(${conversationMembers.clearedUpToMessageId}, 0))
      and unread.sender_id <> ${viewerId}
    limit ${limits.unreadCount.max}) as capped)`;
  const rows = await db
    .select({
      conversation: conversations,
      lastMessage: messages,
      lastRead: conversationMembers.lastReadMessageId,
      muted: conversationMembers.muted,
      unread,
    })
    .from(conversationMembers)
    .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
    .leftJoin(messages, eq(messages.id, conversations.lastMessageId))
    .where(
      and(
        eq(conversationMembers.userId, viewerId),
        ids ? inArray(conversationMembers.conversationId, ids) : undefined,
        // Deleted for the viewer: out of the list until a newer message arrives (opening it by id
        // still works).
        ids
          ? undefined
          : sql`(${conversationMembers.clearedUpToMessageId} is null or ${conversations.lastMessageId} > ${conversationMembers.clearedUpToMessageId})`,
      ),
    )
    .orderBy(desc(activity))
    .limit(limits.conversationsPage.max);
  if (rows.length === 0) return [];
  const everyone = await db
    .select({
      conversationId: conversationMembers.conversationId,
      ...publicUserColumns,
      lastRead: conversationMembers.lastReadMessageId,
      sharesReceipts: users.sendReadReceipts,
    })
    .from(conversationMembers)
    .innerJoin(users, eq(users.id, conversationMembers.userId))
    .where(
      inArray(
        conversationMembers.conversationId,
        rows.map((r) => r.conversation.id),
      ),
    );
  const lastAttachments = await attachmentsOf(
    db,
    rows.flatMap((r) => (r.lastMessage ? [r.lastMessage.id] : [])),
  );
  const viewerShares = everyone.find((m) => m.id === viewerId)?.sharesReceipts ?? false;
  return rows.map(({ conversation, lastMessage, lastRead, muted, unread }) => {
    const others = everyone.filter((m) => m.conversationId === conversation.id && m.id !== viewerId);
    return {
      id: conversation.id,
      kind: conversation.kind,
      name: conversation.name,
      ownerId: conversation.ownerId,
      members: others.map(toPublicUser),
      lastMessage: lastMessage
        ? toMessage(lastMessage, { attachments: lastAttachments.get(lastMessage.id) ?? [] })
        : null,
      unreadCount: unread,
      lastReadMessageId: lastRead,
      seenUpTo: seenByAll(viewerShares, others),
      muted,
      createdAt: conversation.createdAt.toISOString(),
      updatedAt: (conversation.lastMessageAt ?? conversation.createdAt).toISOString(),
    };
  });
}

/** How far every other member has read, if read receipts are shared both ways; else null. */
function seenByAll(viewerShares: boolean, others: { lastRead: number | null; sharesReceipts: boolean }[]) {
  if (!viewerShares || others.length === 0 || others.some((m) => !m.sharesReceipts)) return null;
  const marks = others.map((m) => m.lastRead);
  if (marks.some((m) => m === null)) return null;
  return Math.min(...marks.map((m) => m ?? 0));
}
