import { friendRequests, friendships, users, type Database } from '@pigeon/db';
import type {
  Friend,
  FriendRequest,
  FriendRequestInput,
  FriendRequestsOutput,
  Suggestion,
} from '@pigeon/schema';
import { limits } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, asc, desc, eq, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { findLiveUser, findUserByUsername } from './user-lookup';
import { commitChange, type ChangeScope, type EventWriter } from '../core/changes';
import type { Tx } from '../core/types';
import { blockedEitherWay, lockPair, notBlockedWith, notPossible } from './relationships';

type Row = typeof friendRequests.$inferSelect;
type UserRow = { id: string; username: string };

export function areFriends(db: Database | Tx, userId: string, otherId: string) {
  return db
    .select({ one: sql`1` })
    .from(friendships)
    .where(and(eq(friendships.userId, userId), eq(friendships.friendId, otherId)))
    .then((rows) => rows.length > 0);
}

function toRequest(row: Row, from: UserRow, to: UserRow): FriendRequest {
  return {
    id: row.id,
    from: { id: from.id, username: from.username },
    to: { id: to.id, username: to.username },
    status: row.status,
    createdAt: row.createdAt.toISOString(),
  };
}

export interface FriendRequestResult {
  status: 'pending' | 'accepted';
  request: FriendRequest;
}

export async function sendFriendRequest(
  scope: ChangeScope,
  viewerId: string,
  input: FriendRequestInput,
): Promise<FriendRequestResult> {
  const { db } = scope;
  const target =
    'userId' in input ? await findLiveUser(db, input.userId) : await findUserByUsername(db, input.username);
  if (!target) throw new TRPCError({ code: 'NOT_FOUND', message: 'No user with that name.' });
  if (target.id === viewerId) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot send a friend request to yourself.' });
  }
  const me = await findLiveUser(db, viewerId);
  if (!me) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
  const them: UserRow = { id: target.id, username: target.username };

  return commitChange(scope, async (tx, events) => {
    await lockPair(tx, me.id, them.id);
    if (await blockedEitherWay(tx, me.id, them.id)) throw notPossible();
    if (await areFriends(tx, me.id, them.id)) {
      throw new TRPCError({ code: 'CONFLICT', message: `You are already friends with ${them.username}.` });
    }
    const [reverse] = await tx
      .select()
      .from(friendRequests)
      .where(
        and(
          eq(friendRequests.fromUserId, them.id),
          eq(friendRequests.toUserId, me.id),
          eq(friendRequests.status, 'pending'),
        ),
      );
    if (reverse) {
      // They asked first: asking back is saying yes.
      return { status: 'accepted', request: await acceptInTx(tx, events, reverse, them, me) };
    }
    const [existing] = await tx
      .select()
      .from(friendRequests)
      .where(
        and(
          eq(friendRequests.fromUserId, me.id),
          eq(friendRequests.toUserId, them.id),
          eq(friendRequests.status, 'pending'),
        ),
      );
    if (existing) return { status: 'pending', request: toRequest(existing, me, them) };

    const [row] = await tx
      .insert(friendRequests)
      .values({ fromUserId: me.id, toUserId: them.id })
      .returning();
    if (!row) throw new Error('friend request insert returned nothing');
    const request = toRequest(row, me, them);
    await events.append([
      { userId: them.id, event: { v: 1, type: 'friend.request_received', request } },
      { userId: me.id, event: { v: 1, type: 'friend.request_sent', request } },
    ]);
    return { status: 'pending', request };
  });
}

async function acceptInTx(
  tx: Tx,
  events: EventWriter,
  row: Row,
  from: UserRow,
  to: UserRow,
): Promise<FriendRequest> {
  const now = new Date();
  const [updated] = await tx
    .update(friendRequests)
    .set({ status: 'accepted', respondedAt: now })
    .where(eq(friendRequests.id, row.id))
    .returning();
  if (!updated) throw new Error('friend request update returned nothing');
  await tx
    .insert(friendships)
    .values([
      { userId: from.id, friendId: to.id, createdAt: now },
      { userId: to.id, friendId: from.id, createdAt: now },
    ])
    .onConflictDoNothing();
  const since = now.toISOString();
  await events.append([
    { userId: from.id, event: { v: 1, type: 'friend.added', requestId: row.id, friend: { ...to, since } } },
    { userId: to.id, event: { v: 1, type: 'friend.added', requestId: row.id, friend: { ...from, since } } },
  ]);
  return toRequest(updated, from, to);
}

/** Loads a pending request addressed to the viewer, locked for the answer. */
async function pendingRequestTo(tx: Tx, viewerId: string, requestId: string) {
  const [row] = await tx
    .select()
    .from(friendRequests)
    .where(and(eq(friendRequests.id, requestId), eq(friendRequests.toUserId, viewerId)))
    .for('update');
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such friend request.' });
  if (row.status !== 'pending') {
    throw new TRPCError({ code: 'CONFLICT', message: `This request was already ${row.status}.` });
  }
  return row;
}

export function acceptFriendRequest(scope: ChangeScope, viewerId: string, requestId: string) {
  return commitChange(scope, async (tx, events) => {
    const row = await pendingRequestTo(tx, viewerId, requestId);
    const [from, to] = await Promise.all([findLiveUser(tx, row.fromUserId), findLiveUser(tx, row.toUserId)]);
    if (!from || !to) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such friend request.' });
    return acceptInTx(tx, events, row, from, to);
  });
}

export function declineFriendRequest(scope: ChangeScope, viewerId: string, requestId: string) {
  return commitChange(scope, async (tx, events) => {
    const row = await pendingRequestTo(tx, viewerId, requestId);
    const [updated] = await tx
      .update(friendRequests)
      .set({ status: 'declined', respondedAt: new Date() })
      .where(eq(friendRequests.id, row.id))
      .returning();
    if (!updated) throw new Error('friend request update returned nothing');
    // Only the decliner's own devices hear of it; the sender is not told they were declined.
    await events.append([
      { userId: viewerId, event: { v: 1, type: 'friend.request_declined', requestId: row.id } },
    ]);
    return { requestId: row.id };
  });
}

export async function listFriends(db: Database, viewerId: string): Promise<Friend[]> {
  const rows = await db
    .select({ id: users.id, username: users.username, since: friendships.createdAt })
    .from(friendships)
    .innerJoin(users, eq(users.id, friendships.friendId))
    .where(eq(friendships.userId, viewerId))
    .orderBy(asc(sql`lower(${users.username})`));
  return rows.map((r) => ({ id: r.id, username: r.username, since: r.since.toISOString() }));
}

/** Pending requests on one side of the viewer: the other person and when it was sent. */
function pendingRequests(db: Database, viewerId: string, viewerSide: 'from' | 'to') {
  const [mine, theirs] =
    viewerSide === 'to'
      ? [friendRequests.toUserId, friendRequests.fromUserId]
      : [friendRequests.fromUserId, friendRequests.toUserId];
  return db
    .select({
      id: friendRequests.id,
      createdAt: friendRequests.createdAt,
      userId: users.id,
      username: users.username,
    })
    .from(friendRequests)
    .innerJoin(users, eq(users.id, theirs))
    .where(and(eq(mine, viewerId), eq(friendRequests.status, 'pending')))
    .orderBy(desc(friendRequests.createdAt))
    .then((rows) =>
      rows.map((r) => ({
        id: r.id,
        other: { id: r.userId, username: r.username },
        createdAt: r.createdAt.toISOString(),
      })),
    );
}

export async function listRequests(db: Database, viewerId: string): Promise<FriendRequestsOutput> {
  const [incoming, outgoing] = await Promise.all([
    pendingRequests(db, viewerId, 'to'),
    pendingRequests(db, viewerId, 'from'),
  ]);
  return {
    incoming: incoming.map(({ other, ...r }) => ({ ...r, from: other })),
    outgoing: outgoing.map(({ other, ...r }) => ({ ...r, to: other })),
  };
}

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
    .select({ id: users.id, username: users.username, mutualFriends: mutual })
    .from(mine)
    .innerJoin(theirs, eq(theirs.userId, mine.friendId))
    .innerJoin(users, eq(users.id, theirs.friendId))
    .where(and(eq(mine.userId, viewerId), candidate(users.id)))
    .groupBy(users.id, users.username)
    .orderBy(desc(mutual), asc(users.username))
    .limit(limits.suggestions.max);
  const room = limits.suggestions.max - friendsOfFriends.length;
  if (room === 0) return friendsOfFriends;
  const seen = new Set(friendsOfFriends.map((s) => s.id));
  const newcomers = await db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(candidate(users.id))
    .orderBy(desc(users.createdAt))
    .limit(limits.suggestions.max);
  return [
    ...friendsOfFriends,
    ...newcomers
      .filter((u) => !seen.has(u.id))
      .slice(0, room)
      .map((u) => ({ ...u, mutualFriends: 0 })),
  ];
}
