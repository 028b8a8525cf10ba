import { friendRequests, friendships, users, type Database } from '@pigeon/db';
import type { FriendRequest, FriendRequestInput, FriendRequestsOutput, PublicUser } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, desc, eq } from 'drizzle-orm';
import { commitChange, type ChangeScope, type EventWriter } from '../core/changes';
import type { Tx } from '../core/types';
import { blockedEitherWay, notPossible } from './blocks';
import { areFriends } from './friendships';
import { lockPair } from './pair';
import { findLiveUser, findUserByUsername } from './user-lookup';
import { publicUserColumns, toPublicUser } from './public-user';

type Row = typeof friendRequests.$inferSelect;

function toRequest(row: Row, from: PublicUser, to: PublicUser): FriendRequest {
  return {
    id: row.id,
    from,
    to,
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
    'userId' in input
      ? await findLiveUser(db, input.userId)
      : await findUserByUsername(db, input.username).then((user) => user && toPublicUser(user));
  if (!target) throw new TRPCError({ code: 'NOT_FOUND', message: 'No user with that name.' });
  if (target.id === viewerId) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot send a friend request to yourself.' });
  }
  const me = await findLiveUser(db, viewerId);
  if (!me) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
  const them = target;

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
  from: PublicUser,
  to: PublicUser,
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
      other: publicUserColumns,
    })
    .from(friendRequests)
    .innerJoin(users, eq(users.id, theirs))
    .where(and(eq(mine, viewerId), eq(friendRequests.status, 'pending')))
    .orderBy(desc(friendRequests.createdAt))
    .then((rows) =>
      rows.map((r) => ({
        id: r.id,
        other: toPublicUser(r.other),
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
