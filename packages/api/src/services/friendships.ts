import { friendships, users, type Database } from '@pigeon/db';
import type { Friend } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, asc, eq, or, sql } from 'drizzle-orm';
import { commitChange, type ChangeScope, type EventWriter } from '../core/changes';
import type { Tx } from '../core/types';
import { lockPair } from './pair';
import { publicUserColumns, toPublicUser } from './public-user';

export function areFriends(db: Database | Tx, userId: string, otherId: string) {
  return db
    .select({ one: sql`1` })
    .from(friendships)
    .where(and(eq(friendships.userId, userId), eq(friendships.friendId, otherId)))
    .then((rows) => rows.length > 0);
}

export async function listFriends(db: Database, viewerId: string): Promise<Friend[]> {
  const rows = await db
    .select({ ...publicUserColumns, since: friendships.createdAt })
    .from(friendships)
    .innerJoin(users, eq(users.id, friendships.friendId))
    .where(eq(friendships.userId, viewerId))
    .orderBy(asc(sql`lower(${users.username})`));
  return rows.map((r) => ({ ...toPublicUser(r), since: r.since.toISOString() }));
}

/** Ends a friendship inside the caller's transaction; both sides hear of it. False if there was none. */
export async function endFriendship(tx: Tx, events: EventWriter, a: string, b: string): Promise<boolean> {
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
