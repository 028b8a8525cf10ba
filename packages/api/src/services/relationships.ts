import { blocks, friendRequests, friendships, users, type Database } from '@pigeon/db';
import type { PublicUser } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, asc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { findLiveUser } from './user-lookup';
import { commitChange, type ChangeScope, type EventWriter } from '../core/changes';
import type { Tx } from '../core/types';
import { pairKey } from './pair';

/** The one answer a blocked person gets, whichever side blocked: nothing more is revealed. */
export const notPossible = () => new TRPCError({ code: 'FORBIDDEN', message: 'That is not possible.' });

/** Serialises every change between one pair of users (the same lock friend requests take). */
export async function lockPair(tx: Tx, a: string, b: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${pairKey(a, b)}, 0))`);
}

export async function blockedEitherWay(db: Database | Tx, a: string, b: string): Promise<boolean> {
  const rows = await db
    .select({ one: sql`1` })
    .from(blocks)
    .where(
      or(
        and(eq(blocks.blockerId, a), eq(blocks.blockedId, b)),
        and(eq(blocks.blockerId, b), eq(blocks.blockedId, a)),
      ),
    );
  return rows.length > 0;
}

/** A filter for user lists: nobody the viewer blocked, and nobody who blocked the viewer. */
export function notBlockedWith(viewerId: string, id: AnyPgColumn): SQL {
  return sql`not exists (select 1 from ${blocks} where (${blocks.blockerId} = ${viewerId} and ${blocks.blockedId} = ${id}) or (${blocks.blockerId} = ${id} and ${blocks.blockedId} = ${viewerId}))`;
}

/** Ends a friendship inside the caller's transaction; both sides hear of it. False if there was none. */
async function endFriendship(tx: Tx, events: EventWriter, a: string, b: string): Promise<boolean> {
  const removed = await tx
    .delete(friendships)
    .where(
      or(
        and(eq(friendships.userId, a), eq(friendships.friendId, b)),
        and(eq(friendships.userId, b), eq(friendships.friendId, a)),
      ),
    )
    .returning({ userId: friendships.userId });
  if (removed.length === 0) return false;
  await events.append([
    { userId: a, event: { v: 1, type: 'friend.removed', userId: b } },
    { userId: b, event: { v: 1, type: 'friend.removed', userId: a } },
  ]);
  return true;
}

/** Withdraws the viewer's own pending request; both sides' lists drop it. */
export function cancelFriendRequest(scope: ChangeScope, viewerId: string, requestId: string) {
  return commitChange(scope, async (tx, events) => {
    const [row] = await tx
      .delete(friendRequests)
      .where(
        and(
          eq(friendRequests.id, requestId),
          eq(friendRequests.fromUserId, viewerId),
          eq(friendRequests.status, 'pending'),
        ),
      )
      .returning();
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such pending request of yours.' });
    await events.append(
      [row.fromUserId, row.toUserId].map((userId) => ({
        userId,
        event: { v: 1, type: 'friend.request_cancelled', requestId: row.id } as const,
      })),
    );
    return { requestId: row.id };
  });
}

/** Unfriends: the conversation stays (history is kept) but neither can send in it any more. */
export function removeFriend(scope: ChangeScope, viewerId: string, userId: string) {
  return commitChange(scope, async (tx, events) => {
    await lockPair(tx, viewerId, userId);
    if (!(await endFriendship(tx, events, viewerId, userId))) {
      throw new TRPCError({ code: 'NOT_FOUND', message: 'You are not friends.' });
    }
    return { userId };
  });
}

/**
 * Blocks someone: ends any friendship and pending request between the two, and from then on
 * neither finds, asks or messages the other. The blocked person is not told; they only see
 * the friendship end, as after an unfriend.
 */
export function blockUser(scope: ChangeScope, viewerId: string, userId: string): Promise<PublicUser> {
  if (userId === viewerId) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot block yourself.' });
  }
  return commitChange(scope, async (tx, events) => {
    const target = await findLiveUser(tx, userId);
    if (!target) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such user.' });
    await lockPair(tx, viewerId, userId);
    const [added] = await tx
      .insert(blocks)
      .values({ blockerId: viewerId, blockedId: userId })
      .onConflictDoNothing()
      .returning();
    if (!added) return target;
    const cancelled = await tx
      .delete(friendRequests)
      .where(
        and(
          eq(friendRequests.status, 'pending'),
          or(
            and(eq(friendRequests.fromUserId, viewerId), eq(friendRequests.toUserId, userId)),
            and(eq(friendRequests.fromUserId, userId), eq(friendRequests.toUserId, viewerId)),
          ),
        ),
      )
      .returning({ id: friendRequests.id });
    await endFriendship(tx, events, viewerId, userId);
    await events.append([
      ...cancelled.flatMap(({ id }) =>
        [viewerId, userId].map((to) => ({
          userId: to,
          event: { v: 1, type: 'friend.request_cancelled', requestId: id } as const,
        })),
      ),
      { userId: viewerId, event: { v: 1, type: 'user.blocked', user: target } },
    ]);
    return target;
  });
}

export function unblockUser(scope: ChangeScope, viewerId: string, userId: string) {
  return commitChange(scope, async (tx, events) => {
    const removed = await tx
      .delete(blocks)
      .where(and(eq(blocks.blockerId, viewerId), eq(blocks.blockedId, userId)))
      .returning();
    if (removed.length === 0)
      throw new TRPCError({ code: 'NOT_FOUND', message: 'You have not blocked them.' });
    await events.append([{ userId: viewerId, event: { v: 1, type: 'user.unblocked', userId } }]);
    return { userId };
  });
}

export function listBlocked(db: Database, viewerId: string): Promise<PublicUser[]> {
  return db
    .select({ id: users.id, username: users.username })
    .from(blocks)
    .innerJoin(users, eq(users.id, blocks.blockedId))
    .where(eq(blocks.blockerId, viewerId))
    .orderBy(asc(sql`lower(${users.username})`));
}
