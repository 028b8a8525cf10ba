import { blocks, friendRequests, friendships, users, type Database } from '@pigeon/db';
import type { Me, UpdateProfileInput, UserCard } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { publicUserColumns, toPublicUser, type PublicUserRow } from './public-user';
import { whichIsTaken } from './user-lookup';
import { toMe } from './views';
import { commitChange, type ChangeScope, type EventWriter } from '../core/changes';
import type { Tx } from '../core/types';

export async function getMe(db: Database, userId: string): Promise<Me> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
  return toMe(user);
}

/** A unique index said no (Postgres and PGlite both report SQLSTATE 23505, maybe wrapped). */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 4; depth++) {
    if ((e as { code?: unknown }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Tells the user's own devices and their friends (the people who see them in lists) of their new
 * public face: a name or a photo.
 */
export async function announceProfile(tx: Tx, events: EventWriter, after: PublicUserRow): Promise<void> {
  const friends = await tx
    .select({ id: friendships.friendId })
    .from(friendships)
    .where(eq(friendships.userId, after.id));
  const user = toPublicUser(after);
  await events.append(
    [after.id, ...friends.map((f) => f.id)].map((userId) => ({
      userId,
      event: { v: 1, type: 'user.updated', user } as const,
    })),
  );
}

/**
 * Changes the viewer's username, display name and/or email. Everything refers to users by id, so
 * conversations and friendships stay intact; friends hear of a new name through their streams.
 */
export async function updateProfile(
  scope: ChangeScope,
  viewerId: string,
  input: UpdateProfileInput,
): Promise<Me> {
  try {
    return await commitChange(scope, async (tx, events) => {
      const [before] = await tx.select().from(users).where(eq(users.id, viewerId)).for('update');
      if (!before) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
      const [after] = await tx
        .update(users)
        .set({
          ...(input.username === undefined ? {} : { username: input.username }),
          ...(input.displayName === undefined ? {} : { displayName: input.displayName }),
          // A different address is unverified until its link is followed; new capitals are not.
          ...(input.email === undefined
            ? {}
            : {
                email: input.email,
                emailVerifiedAt:
                  input.email.toLowerCase() === before.email?.toLowerCase() ? before.emailVerifiedAt : null,
              }),
        })
        .where(eq(users.id, viewerId))
        .returning();
      if (!after) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
      if (after.username === before.username && after.displayName === before.displayName) return toMe(after);
      await announceProfile(tx, events, after);
      return toMe(after);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw await whichIsTaken(scope.db, input);
    throw error;
  }
}

/**
 * Someone's public card: name, member since, and how the viewer stands with them. A person who
 * blocked the viewer does not exist for the viewer.
 */
export async function userCard(db: Database, viewerId: string, userId: string): Promise<UserCard> {
  const [user] = await db
    .select({ ...publicUserColumns, createdAt: users.createdAt })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)));
  const notFound = new TRPCError({ code: 'NOT_FOUND', message: 'No such user.' });
  if (!user) throw notFound;
  const card = (relationship: UserCard['relationship']): UserCard => ({
    ...toPublicUser(user),
    memberSince: user.createdAt.toISOString(),
    relationship,
  });
  if (userId === viewerId) return card('self');
  const [blocked] = await db
    .select({ blockerId: blocks.blockerId })
    .from(blocks)
    .where(
      or(
        and(eq(blocks.blockerId, viewerId), eq(blocks.blockedId, userId)),
        and(eq(blocks.blockerId, userId), eq(blocks.blockedId, viewerId)),
      ),
    );
  if (blocked) {
    if (blocked.blockerId === userId) throw notFound;
    return card('blocked');
  }
  const [friend] = await db
    .select({ one: sql`1` })
    .from(friendships)
    .where(and(eq(friendships.userId, viewerId), eq(friendships.friendId, userId)));
  if (friend) return card('friend');
  const [pending] = await db
    .select({ fromUserId: friendRequests.fromUserId })
    .from(friendRequests)
    .where(
      and(
        eq(friendRequests.status, 'pending'),
        or(
          and(eq(friendRequests.fromUserId, viewerId), eq(friendRequests.toUserId, userId)),
          and(eq(friendRequests.fromUserId, userId), eq(friendRequests.toUserId, viewerId)),
        ),
      ),
    );
  if (pending) return card(pending.fromUserId === viewerId ? 'request_sent' : 'request_received');
  return card('none');
}
