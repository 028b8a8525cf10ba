import { friendRequests, friendships, users, type Database } from '@pigeon/db';
import type { Suggestion } from '@pigeon/schema';
import { limits } from '@pigeon/schema';
import { and, asc, desc, eq, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { notBlockedWith } from './blocks';
import { publicUserColumns, toPublicUser } from './public-user';

/** People the viewer has no tie with yet: friends of friends first (most mutual friends), then newcomers. */
export async function suggestFriends(db: Database, viewerId: string): Promise<Suggestion[]> {
  const mine = alias(friendships, 'mine');
  const theirs = alias(friendships, 'theirs');
  const candidate = (id: typeof users.id) =>
    and(
      sql`${id} <> ${viewerId}`,
      notBlockedWith(viewerId, id),
      sql`not exists (select 1 from ${users} gone where gone.id = ${id} and gone.deleted_at is not null)`,
      notExists(
        db
          .select({ one: sql`1` })
          .from(friendships)
          .where(and(eq(friendships.userId, viewerId), eq(friendships.friendId, id))),
      ),
      notExists(
        db
          .select({ one: sql`1` })
          .from(friendRequests)
          .where(
            and(
              eq(friendRequests.status, 'pending'),
              or(
                and(eq(friendRequests.fromUserId, viewerId), eq(friendRequests.toUserId, id)),
                and(eq(friendRequests.fromUserId, id), eq(friendRequests.toUserId, viewerId)),
              ),
            ),
          ),
      ),
    );
  const mutual = sql<number>`count(*)::int`;
  const friendsOfFriends = await db
    .select({ ...publicUserColumns, mutualFriends: mutual })
    .from(mine)
    .innerJoin(theirs, eq(theirs.userId, mine.friendId))
    .innerJoin(users, eq(users.id, theirs.friendId))
    .where(and(eq(mine.userId, viewerId), candidate(users.id)))
    .groupBy(users.id, users.username, users.displayName, users.isBot, users.avatarKey)
    .orderBy(desc(mutual), asc(users.username))
    .limit(limits.suggestions.max);
  const room = limits.suggestions.max - friendsOfFriends.length;
  const withMutual = friendsOfFriends.map((u) => ({ ...toPublicUser(u), mutualFriends: u.mutualFriends }));
  if (room === 0) return withMutual;
  const seen = new Set(friendsOfFriends.map((s) => s.id));
  const newcomers = await db
    .select(publicUserColumns)
    .from(users)
    // Strangers' bots are not pushed at newcomers: people find a bot by its name.
    .where(and(candidate(users.id), eq(users.isBot, false)))
    .orderBy(desc(users.createdAt))
    .limit(limits.suggestions.max);
  return [
    ...withMutual,
    ...newcomers
      .filter((u) => !seen.has(u.id))
      .slice(0, room)
      .map((u) => ({ ...toPublicUser(u), mutualFriends: 0 })),
  ];
}
