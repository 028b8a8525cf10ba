import { blocks, friendRequests, users, type Database } from '@pigeon/db';
import type { PublicUser } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, asc, eq, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { commitChange, type ChangeScope } from '../core/changes';
import type { Tx } from '../core/types';
import { endFriendship } from './friendships';
import { lockPair } from './pair';
import { findLiveUser } from './user-lookup';
import { publicUserColumns, toPublicUser } from './public-user';

/** The one answer a blocked person gets, whichever side blocked: nothing more is revealed. */
export const notPossible = () => new TRPCError({ code: 'FORBIDDEN', message: 'That is not possible.' });

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

/**
 * Blocks someone: ends any friendship and pending request between the two, and from then on
 * neither finds, asks or messages the other. The blocked person is not told; they only see
 * the friendship end, as after an unfriend.
 */
export async function blockUser(scope: ChangeScope, viewerId: string, userId: string): Promise<PublicUser> {
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
    .select(publicUserColumns)
    .from(blocks)
    .innerJoin(users, eq(users.id, blocks.blockedId))
    .where(eq(blocks.blockerId, viewerId))
    .orderBy(asc(sql`lower(${users.username})`))
    .then((rows) => rows.map(toPublicUser));
}
