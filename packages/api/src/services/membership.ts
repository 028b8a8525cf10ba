import { conversationMembers, conversations, friendships, type Database } from '@pigeon/db';
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../core/types';

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
