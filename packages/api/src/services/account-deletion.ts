import {
  apiTokens,
  blocks,
  emailLinks,
  friendRequests,
  friendships,
  loginChallenges,
  reactions,
  recoveryCodes,
  sessions,
  users,
  type Database,
} from '@pigeon/db';
import type { PigeonEvent } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq, isNull, or } from 'drizzle-orm';
import { commitChange, type ChangeScope, type EventWriter } from '../core/changes';
import type { CookieJar, Tx } from '../core/types';
import type { RateLimits } from '../rate-limits';
import { queueFileRemovals, removeUploadsOf } from './attachments';
import { avatarObjectKey } from './avatars';
import { groupsOf, leaveGroupIn } from './groups';
import { underPasswordLimits, requireUserPassword } from './password-attempts';
import { clearRefreshCookie } from './refresh-cookie';
import { requireSecondFactorCode, type SecondFactorStore } from './two-factor';

async function requirePassword(
  store: SecondFactorStore,
  userId: string,
  password: string,
  code: string | undefined,
) {
  const { db } = store;
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)));
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
  await requireUserPassword(db, user, password);
  await requireSecondFactorCode(store, user, code);
  return user;
}

/**
 * Deletes the viewer's account, once their password (checked under the same limits as a login)
 * is right. What is only the user's goes (sessions, API tokens, bots, friendships, requests, blocks, reactions,
 * their event stream); what others still need stays, anonymised: the messages they sent remain in
 * the other people's conversations under a "deleted_<id>" name, with no email and no password, so
 * nobody can log in as it or find it.
 */
export async function deleteAccount(
  call: ChangeScope &
    SecondFactorStore & { rateLimits: RateLimits; ip: string | null; cookies: CookieJar | null },
  userId: string,
  password: string,
  /** Needed once two-factor is on. */
  code?: string,
): Promise<{ deleted: true }> {
  const attempt = { kind: 'confirmation', userId, ip: call.ip } as const;
  const endedSessions = await underPasswordLimits(call.rateLimits, attempt, async () => {
    await requirePassword(call, userId, password, code);
    return eraseAccount(call, userId);
  });
  clearRefreshCookie(call.cookies);
  call.outbox.sessionsEnded(endedSessions);
  return { deleted: true };
}

/**
 * Deletes an account and the bots it owns, in one transaction; returns the sessions and API
 * tokens it ended (the admin's path too).
 */
export async function eraseAccount(scope: ChangeScope, userId: string): Promise<string[]> {
  return eraseAccounts(scope, [...(await botsOf(scope.db, userId)), userId]);
}

/**
 * The deletion of these accounts, in one transaction; returns the sessions and API tokens it
 * ended. Their uploads' and photos' bytes are queued for removal in that transaction and removed
 * once it has committed (the sweep retries what that misses).
 */
export async function eraseAccounts(scope: ChangeScope, userIds: readonly string[]): Promise<string[]> {
  const { ended, removedFiles } = await commitChange(scope, async (tx, events) => {
    const endedHere: string[] = [];
    let uploads: string[] = [];
    const photos: string[] = [];
    for (const userId of userIds) {
      const erased = await eraseIn(tx, events, userId);
      endedHere.push(...erased.ended);
      // Sent or not, in any conversation: an account's files go with it (its messages' text stays).
      uploads = uploads.concat(await removeUploadsOf(tx, userId));
      if (erased.avatarKey) photos.push(avatarObjectKey(erased.avatarKey));
    }
    // Uploads are queued as their rows go (removeUploadsOf); photos have no rows of their own.
    await queueFileRemovals(tx, photos);
    return { ended: endedHere, removedFiles: [...uploads, ...photos] };
  });
  scope.outbox.filesRemoved(removedFiles);
  return ended;
}

async function eraseIn(
  tx: Tx,
  events: EventWriter,
  userId: string,
): Promise<{ ended: string[]; avatarKey: string | null }> {
  const [photo] = await tx.select({ avatarKey: users.avatarKey }).from(users).where(eq(users.id, userId));
  const friends = await tx
    .select({ id: friendships.friendId })
    .from(friendships)
    .where(eq(friendships.userId, userId));
  const ended = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  const revoked = await tx
    .delete(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .returning({ id: apiTokens.id });
  await tx.delete(friendships).where(or(eq(friendships.userId, userId), eq(friendships.friendId, userId)));
  await tx
    .delete(friendRequests)
    .where(or(eq(friendRequests.fromUserId, userId), eq(friendRequests.toUserId, userId)));
  await tx.delete(blocks).where(or(eq(blocks.blockerId, userId), eq(blocks.blockedId, userId)));
  await tx.delete(reactions).where(eq(reactions.userId, userId));
  await tx.delete(emailLinks).where(eq(emailLinks.userId, userId));
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx.delete(loginChallenges).where(eq(loginChallenges.userId, userId));
  // Out of every group: the others hear of it, and an owner's group passes on.
  for (const groupId of await groupsOf(tx, userId)) await leaveGroupIn(tx, events, userId, groupId);
  await tx
    .update(users)
    .set({
      // The whole id: unique, and longer than any name one can register, so nobody can take it.
      username: `deleted_${userId}`,
      displayName: null,
      avatarKey: null,
      email: null,
      emailVerifiedAt: null,
      passwordHash: '!',
      totpSecret: null,
      totpPendingSecret: null,
      totpLastTimeStep: null,
      deletedAt: new Date(),
    })
    .where(eq(users.id, userId));
  const event: PigeonEvent = { v: 1, type: 'friend.removed', userId };
  await events.append(friends.map((f) => ({ userId: f.id, event })));
  // Last, the user's own stream, with the notices it just got of the groups it left.
  await events.dropStream(userId);
  return { ended: [...ended, ...revoked].map((s) => s.id), avatarKey: photo?.avatarKey ?? null };
}

/** A person's live bots, deleted with them. */
async function botsOf(db: Database, ownerId: string): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.ownerId, ownerId), isNull(users.deletedAt)));
  return rows.map((r) => r.id);
}
