import { blocks, friendRequests } from '@pigeon/db';
import { eq, or } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { blockUser, listBlocked, unblockUser } from '../src/services/blocks';
import { sendFriendRequest } from '../src/services/friend-requests';
import { areFriends } from '../src/services/friendships';
import { userCard } from '../src/services/profile';
import { searchUsers } from '../src/services/user-search';
import { backends, outcome, types, useWorld } from './support/world';

describe.each(backends)('blocks (%s)', (backend) => {
  const world = useWorld(backend);

  it('ends the friendship and any pending request; the blocked person sees only an unfriend', async () => {
    const w = world();
    const [a, b, c] = [await w.user('a'), await w.user('b'), await w.user('c')];
    await w.befriend(a, b);
    const { request } = await sendFriendRequest(w.call(), c, { userId: a });
    const [headA, headB, headC] = [await w.head(a), await w.head(b), await w.head(c)];

    const call = w.call();
    expect(await blockUser(call, a, b)).toMatchObject({ id: b });
    await blockUser(w.call(), a, c);

    expect(await areFriends(w.db, a, b)).toBe(false);
    expect(await areFriends(w.db, b, a)).toBe(false);
    expect(types(await w.events(a, headA))).toEqual([
      'friend.removed',
      'user.blocked',
      'friend.request_cancelled',
      'user.blocked',
    ]);
    expect(types(await w.events(b, headB))).toEqual(['friend.removed']);
    expect(await w.events(c, headC)).toEqual([
      { v: 1, type: 'friend.request_cancelled', requestId: request.id, id: headC + 1 },
    ]);
    expect(call.outbox.take().deliveries.map((d) => d.event.type)).toEqual([
      'friend.removed',
      'friend.removed',
      'user.blocked',
    ]);
    expect(
      await w.db
        .select()
        .from(friendRequests)
        .where(or(eq(friendRequests.fromUserId, c), eq(friendRequests.toUserId, c))),
    ).toEqual([]);
    expect((await listBlocked(w.db, a)).map((u) => u.id).sort()).toEqual([b, c].sort());
  });

  it('blocks once: blocking again changes and announces nothing', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];
    await blockUser(w.call(), a, b);
    const head = await w.head(a);

    const again = w.call();
    expect(await blockUser(again, a, b)).toMatchObject({ id: b });
    expect(again.outbox.take().deliveries).toEqual([]);
    expect(await w.head(a)).toBe(head);
    expect(await w.db.select().from(blocks).where(eq(blocks.blockerId, a))).toHaveLength(1);
  });

  it('refuses blocking oneself or nobody, and unblocking someone not blocked', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];
    await w.block(b, a); // b's block is b's alone: a cannot lift it

    expect(await outcome(blockUser(w.call(), a, a))).toBe('BAD_REQUEST: You cannot block yourself.');
    expect(await outcome(blockUser(w.call(), a, crypto.randomUUID()))).toBe('NOT_FOUND: No such user.');
    expect(await outcome(unblockUser(w.call(), a, b))).toBe('NOT_FOUND: You have not blocked them.');
    expect(await w.events(a)).toEqual([]);
  });

  it('lifts a block on unblock: the blocker’s devices hear of it, the other can ask again', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];
    await blockUser(w.call(), a, b);
    expect(await outcome(sendFriendRequest(w.call(), b, { userId: a }))).toBe(
      'FORBIDDEN: That is not possible.',
    );

    expect(await unblockUser(w.call(), a, b)).toEqual({ userId: b });

    expect(types(await w.events(a))).toEqual(['user.blocked', 'user.unblocked']);
    expect(await w.events(b)).toEqual([]);
    expect(await listBlocked(w.db, a)).toEqual([]);
    expect((await sendFriendRequest(w.call(), b, { userId: a })).status).toBe('pending');
  });

  it('hides a blocker from the blocked: not found in search nor by card, either way round', async () => {
    const w = world();
    const [a, b] = [await w.user('blocker'), await w.user('blocked')];
    await blockUser(w.call(), a, b);

    expect(await outcome(userCard(w.db, b, a))).toBe('NOT_FOUND: No such user.');
    expect((await userCard(w.db, a, b)).relationship).toBe('blocked');
    const search = (viewer: string, prefix: string) =>
      searchUsers(w.db, viewer, { query: prefix, limit: 50 }).then((r) => r.users.map((u) => u.id));
    expect(await search(b, 'blocker_')).not.toContain(a);
    expect(await search(a, 'blocked_')).not.toContain(b);
  });
});
