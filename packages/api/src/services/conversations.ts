import { conversationMembers, conversations, friendships, messages, users, type Database } from '@pigeon/db';
import type { Conversation } from '@pigeon/schema';
import { limits } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { areFriends } from './friends';
import { pairKey } from './pair';
import { commitChange, type ChangeScope } from '../core/changes';
import type { Tx } from '../core/types';
import { toMessage } from './views';

/**
 * The members of a conversation, and which of them are the viewer's friends (one round trip:
 * the send path needs both), or NOT_FOUND for anyone outside it (its existence is not revealed).
 */
export async function requireMembership(db: Database | Tx, viewerId: string, conversationId: string) {
  const rows = await db
    .select({
      userId: conversationMembers.userId,
      kind: conversations.kind,
      friendId: friendships.friendId,
      clearedUpTo: conversationMembers.clearedUpToMessageId,
    })
    .from(conversationMembers)
    .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
    .leftJoin(
      friendships,
      and(eq(friendships.userId, viewerId), eq(friendships.friendId, conversationMembers.userId)),
    )
    .where(eq(conversationMembers.conversationId, conversationId));
  const mine = rows.find((r) => r.userId === viewerId);
  if (!mine) {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'No such conversation.' });
  }
  return {
    /** The viewer sees only messages after this id ("deleted for me"). */
    clearedUpTo: mine.clearedUpTo ?? 0,
    kind: rows[0]?.kind ?? 'direct',
    memberIds: rows.map((r) => r.userId),
    friendIds: new Set(rows.flatMap((r) => (r.friendId ? [r.friendId] : []))),
  };
}

/** In a 1:1 only friends may write (or type, edit, react); in a group, membership is enough. */
export function requireCanMessage(
  membership: Awaited<ReturnType<typeof requireMembership>>,
  viewerId: string,
): void {
  if (membership.kind !== 'direct') return;
  const others = membership.memberIds.filter((id) => id !== viewerId);
  if (!others.every((id) => membership.friendIds.has(id))) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'You can only message friends.' });
  }
}

export async function openDirectConversation(db: Database, viewerId: string, otherId: string) {
  if (otherId === viewerId) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'A conversation needs someone else.' });
  }
  if (!(await areFriends(db, viewerId, otherId))) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'You can only start a conversation with a friend.' });
  }
  const key = pairKey(viewerId, otherId);
  const id = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(conversations)
      .values({ kind: 'direct', directKey: key })
      .onConflictDoNothing()
      .returning({ id: conversations.id });
    if (created) {
      await tx.insert(conversationMembers).values([
        { conversationId: created.id, userId: viewerId },
        { conversationId: created.id, userId: otherId },
      ]);
      return created.id;
    }
    const [existing] = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(eq(conversations.directKey, key));
    if (!existing) throw new Error('direct conversation vanished');
    return existing.id;
  });
  return conversationView(db, viewerId, id);
}

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
      id: users.id,
      username: users.username,
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
  const viewerShares = everyone.find((m) => m.id === viewerId)?.sharesReceipts ?? false;
  return rows.map(({ conversation, lastMessage, lastRead, muted, unread }) => {
    const others = everyone.filter((m) => m.conversationId === conversation.id && m.id !== viewerId);
    return {
      id: conversation.id,
      kind: conversation.kind,
      name: conversation.name,
      ownerId: conversation.ownerId,
      members: others.map((m) => ({ id: m.id, username: m.username })),
      lastMessage: lastMessage ? toMessage(lastMessage) : null,
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

/**
 * "Delete for me": the viewer stops seeing the history so far (the other members keep theirs).
 * The conversation leaves the viewer's list until a new message arrives.
 */
export function clearConversation(scope: ChangeScope, viewerId: string, conversationId: string) {
  return commitChange(scope, async (tx, events) => {
    await requireMembership(tx, viewerId, conversationId);
    const [conversation] = await tx
      .select({ lastMessageId: conversations.lastMessageId })
      .from(conversations)
      .where(eq(conversations.id, conversationId))
      .for('update');
    const upTo = conversation?.lastMessageId ?? 0;
    await tx
      .update(conversationMembers)
      .set({ clearedUpToMessageId: upTo })
      .where(
        and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, viewerId)),
      );
    await events.append([
      {
        userId: viewerId,
        event: { v: 1, type: 'conversation.cleared', conversationId, clearedUpToMessageId: upTo },
      },
    ]);
    return { clearedUpToMessageId: upTo };
  });
}

/** Mutes or unmutes a conversation for the viewer alone; their other devices hear of it. */
export function muteConversation(
  scope: ChangeScope,
  viewerId: string,
  conversationId: string,
  muted: boolean,
) {
  return commitChange(scope, async (tx, events) => {
    await requireMembership(tx, viewerId, conversationId);
    await tx
      .update(conversationMembers)
      .set({ muted })
      .where(
        and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, viewerId)),
      );
    await events.append([
      { userId: viewerId, event: { v: 1, type: 'conversation.muted', conversationId, muted } },
    ]);
    return { muted };
  });
}
