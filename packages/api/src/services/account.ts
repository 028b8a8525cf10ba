import { blocks, friendRequests, friendships, reactions, sessions, users, type Database } from '@pigeon/db';
import type { AccountExport, PigeonEvent } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, asc, eq, isNull, or } from 'drizzle-orm';
import { toMe } from './auth';
import { listConversations } from './conversations';
import { commitChange, type ChangeScope } from '../core/changes';
import { listFriends, listRequests } from './friends';
import { groupsOf, leaveGroupIn } from './groups';
import { messageHistory } from './messages';
import { verifyPassword } from './passwords';
import { listBlocked } from './relationships';
import { getSettings } from './settings';

/** Messages in one export at most, newest first per conversation; see docs/security.md. */
export const EXPORT_MESSAGE_CAP = 10_000;

async function requirePassword(db: Database, userId: string, password: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)));
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
  if (!(await verifyPassword(user.passwordHash, password))) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'The password is not right.' });
  }
  return user;
}

/**
 * Deletes an account. What is only the user's goes (sessions, friendships, requests, blocks,
 * reactions, their event stream); what others still need stays, anonymised: the messages they
 * sent remain in the other people's conversations under a "deleted_<id>" name, with no email and
 * no password, so nobody can log in as it or find it.
 */
export async function deleteAccount(
  scope: ChangeScope,
  userId: string,
  password: string,
): Promise<{ endedSessions: string[] }> {
  await requirePassword(scope.db, userId, password);
  return commitChange(scope, async (tx, events) => {
    const friends = await tx
      .select({ id: friendships.friendId })
      .from(friendships)
      .where(eq(friendships.userId, userId));
    const ended = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
    await tx.delete(friendships).where(or(eq(friendships.userId, userId), eq(friendships.friendId, userId)));
    await tx
      .delete(friendRequests)
      .where(or(eq(friendRequests.fromUserId, userId), eq(friendRequests.toUserId, userId)));
    await tx.delete(blocks).where(or(eq(blocks.blockerId, userId), eq(blocks.blockedId, userId)));
    await tx.delete(reactions).where(eq(reactions.userId, userId));
    // Out of every group: the others hear of it, and an owner's group passes on.
    for (const groupId of await groupsOf(tx, userId)) await leaveGroupIn(tx, events, userId, groupId);
    await tx
      .update(users)
      .set({
        // The whole id: unique, and longer than any name one can register, so nobody can take it.
        username: `deleted_${userId}`,
        email: null,
        passwordHash: '!',
        deletedAt: new Date(),
      })
      .where(eq(users.id, userId));
    const event: PigeonEvent = { v: 1, type: 'friend.removed', userId };
    await events.append(friends.map((f) => ({ userId: f.id, event })));
    // Last, the user's own stream, with the notices it just got of the groups it left.
    await events.dropStream(userId);
    return { endedSessions: ended.map((s) => s.id) };
  });
}

/** Everything the user may take away: profile, settings, people, conversations and messages. */
export async function exportAccount(db: Database, userId: string): Promise<AccountExport> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
  const conversations = await listConversations(db, userId);
  const messages: AccountExport['messages'] = [];
  for (const conversation of conversations) {
    let cursor: number | undefined;
    while (messages.length < EXPORT_MESSAGE_CAP) {
      const page = await messageHistory(db, userId, { conversationId: conversation.id, cursor, limit: 100 });
      messages.push(...page.messages.slice(0, EXPORT_MESSAGE_CAP - messages.length));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
  }
  const sessionRows = await db
    .select({ createdAt: sessions.createdAt, userAgent: sessions.userAgent })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .orderBy(asc(sessions.createdAt));
  return {
    exportedAt: new Date().toISOString(),
    profile: toMe(user),
    settings: await getSettings(db, userId),
    friends: await listFriends(db, userId),
    requests: await listRequests(db, userId),
    blocked: await listBlocked(db, userId),
    conversations,
    messages,
    messagesTruncated: messages.length >= EXPORT_MESSAGE_CAP,
    sessions: sessionRows.map((s) => ({ createdAt: s.createdAt.toISOString(), userAgent: s.userAgent })),
  };
}
