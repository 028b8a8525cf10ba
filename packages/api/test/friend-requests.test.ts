import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  acceptFriendRequest,
  cancelFriendRequest,
  declineFriendRequest,
  listRequests,
  sendFriendRequest,
} from '../src/services/friend-requests';
import { areFriends } from '../src/services/friendships';
import { backends, outcome, types, useWorld } from './support/world';

describe.each(backends)('friend requests (%s)', (backend) => {
  const world = useWorld(backend);

  it('asks once: both sides hear of a new request, and asking again returns it unchanged', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];

    const call = w.call();
    const first = await sendFriendRequest(call, a, { userId: b });
    expect(first).toMatchObject({ status: 'pending', request: { from: { id: a }, to: { id: b } } });
    expect(types(await w.events(a))).toEqual(['friend.request_sent']);
    expect(types(await w.events(b))).toEqual(['friend.request_received']);
    expect(call.outbox.take().deliveries).toHaveLength(2);

    const again = w.call();
    expect(await sendFriendRequest(again, a, { userId: b })).toEqual(first);
    expect(again.outbox.take().deliveries).toEqual([]);
    expect(await w.events(b)).toHaveLength(1);
    expect((await listRequests(w.db, b)).incoming.map((r) => r.id)).toEqual([first.request.id]);
  });

  it('takes asking back as saying yes: both become friends and both hear it', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];
    const { request } = await sendFriendRequest(w.call(), a, { userId: b });

    const answer = await sendFriendRequest(w.call(), b, { userId: a });

    expect(answer).toMatchObject({ status: 'accepted', request: { id: request.id, status: 'accepted' } });
    expect(await areFriends(w.db, a, b)).toBe(true);
    expect(await areFriends(w.db, b, a)).toBe(true);
    expect(types(await w.events(a))).toEqual(['friend.request_sent', 'friend.added']);
    expect(types(await w.events(b))).toEqual(['friend.request_received', 'friend.added']);
  });

  it('refuses asking oneself, nobody, a friend, or someone on either side of a block', async () => {
    const w = world();
    const [a, b, c, d] = [await w.user('a'), await w.user('b'), await w.user('c'), await w.user('d')];
    await w.befriend(a, b);
    await w.block(c, a);
    await w.block(a, d);

    expect(await outcome(sendFriendRequest(w.call(), a, { userId: a }))).toBe(
      'BAD_REQUEST: You cannot send a friend request to yourself.',
    );
    expect(await outcome(sendFriendRequest(w.call(), a, { username: `nobody_${randomUUID()}` }))).toBe(
      'NOT_FOUND: No user with that name.',
    );
    expect(await outcome(sendFriendRequest(w.call(), a, { userId: b }))).toMatch(
      /^CONFLICT: You are already friends with b_/,
    );
    expect(await outcome(sendFriendRequest(w.call(), a, { userId: c }))).toBe(
      'FORBIDDEN: That is not possible.',
    );
    expect(await outcome(sendFriendRequest(w.call(), c, { userId: a }))).toBe(
      'FORBIDDEN: That is not possible.',
    );
    expect(await outcome(sendFriendRequest(w.call(), d, { userId: a }))).toBe(
      'FORBIDDEN: That is not possible.',
    );
    expect(await w.events(a)).toEqual([]);
  });

  it('lets only the recipient answer, and only once', async () => {
    const w = world();
    const [a, b, c] = [await w.user('a'), await w.user('b'), await w.user('c')];
    const { request } = await sendFriendRequest(w.call(), a, { userId: b });

    for (const outsider of [a, c]) {
      expect(await outcome(acceptFriendRequest(w.call(), outsider, request.id))).toBe(
        'NOT_FOUND: No such friend request.',
      );
      expect(await outcome(declineFriendRequest(w.call(), outsider, request.id))).toBe(
        'NOT_FOUND: No such friend request.',
      );
    }
    const accepted = await acceptFriendRequest(w.call(), b, request.id);
    expect(accepted).toMatchObject({ id: request.id, status: 'accepted' });
    expect(await outcome(acceptFriendRequest(w.call(), b, request.id))).toBe(
      'CONFLICT: This request was already accepted.',
    );
    expect(await outcome(declineFriendRequest(w.call(), b, request.id))).toBe(
      'CONFLICT: This request was already accepted.',
    );
    expect(types(await w.events(b))).toEqual(['friend.request_received', 'friend.added']);
  });

  it('tells only the decliner of a decline; the sender is not told', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];
    const { request } = await sendFriendRequest(w.call(), a, { userId: b });

    const call = w.call();
    expect(await declineFriendRequest(call, b, request.id)).toEqual({ requestId: request.id });

    expect(call.outbox.take().deliveries.map((d) => d.userId)).toEqual([b]);
    expect(types(await w.events(b))).toEqual(['friend.request_received', 'friend.request_declined']);
    expect(types(await w.events(a))).toEqual(['friend.request_sent']);
    expect(await areFriends(w.db, a, b)).toBe(false);
    // Declined is answered: asking again starts a new request.
    const second = await sendFriendRequest(w.call(), a, { userId: b });
    expect(second.request.id).not.toBe(request.id);
  });

  it('lets the sender alone withdraw a pending request, and both sides hear of it', async () => {
    const w = world();
    const [a, b] = [await w.user('a'), await w.user('b')];
    const { request } = await sendFriendRequest(w.call(), a, { userId: b });

    expect(await outcome(cancelFriendRequest(w.call(), b, request.id))).toBe(
      'NOT_FOUND: No such pending request of yours.',
    );
    expect(await cancelFriendRequest(w.call(), a, request.id)).toEqual({ requestId: request.id });
    expect(types(await w.events(a))).toEqual(['friend.request_sent', 'friend.request_cancelled']);
    expect(types(await w.events(b))).toEqual(['friend.request_received', 'friend.request_cancelled']);
    expect(await listRequests(w.db, b)).toEqual({ incoming: [], outgoing: [] });
    expect(await outcome(cancelFriendRequest(w.call(), a, request.id))).toBe(
      'NOT_FOUND: No such pending request of yours.',
    );
  });
});
