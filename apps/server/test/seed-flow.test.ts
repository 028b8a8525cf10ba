import { describe, expect, it } from 'vitest';
import { backends, befriend, collectEvents, newClientId, useTestServer } from './harness';

describe.each(backends)('the seed flow (%s)', (backend) => {
  const t = useTestServer(backend);

  it('registers, finds, befriends, chats live and reads history', async () => {
    const alice = await t.user('alice');
    const bob = await t.user('bob');

    const found = await bob.client.users.search.query({ query: alice.username.slice(0, 8).toUpperCase() });
    expect(found.users.map((u) => u.username)).toContain(alice.username);
    expect(
      found.users.every((u) => Object.keys(u).sort().join() === 'avatarUrl,displayName,id,isBot,username'),
    ).toBe(true);

    const aliceEvents = collectEvents(alice.client);
    const bobEvents = collectEvents(bob.client);
    await aliceEvents.live();
    await bobEvents.live();

    const { status, request } = await bob.client.friends.request.mutate({ username: alice.username });
    expect(status).toBe('pending');
    await aliceEvents.until(() => aliceEvents.events().some((e) => e.type === 'friend.request_received'));
    expect((await alice.client.friends.requests.query()).incoming).toEqual([
      {
        id: request.id,
        from: { id: bob.id, username: bob.username, displayName: null, isBot: false, avatarUrl: null },
        createdAt: request.createdAt,
      },
    ]);
    expect((await bob.client.friends.requests.query()).outgoing.map((r) => r.to.id)).toEqual([alice.id]);

    await alice.client.friends.accept.mutate({ requestId: request.id });
    await bobEvents.until(() => bobEvents.events().some((e) => e.type === 'friend.added'));
    expect((await alice.client.friends.list.query()).map((f) => f.id)).toEqual([bob.id]);
    expect((await bob.client.friends.list.query()).map((f) => f.id)).toEqual([alice.id]);
    expect(await alice.client.friends.requests.query()).toEqual({ incoming: [], outgoing: [] });

    const conversation = await alice.client.conversations.open.mutate({ userId: bob.id });
    expect(conversation.members).toEqual([
      { id: bob.id, username: bob.username, displayName: null, isBot: false, avatarUrl: null },
    ]);
    const sameFromBob = await bob.client.conversations.open.mutate({ userId: alice.id });
    expect(sameFromBob.id).toBe(conversation.id);

    const sent = await alice.client.messages.send.mutate({
      conversationId: conversation.id,
      body: 'hello bob',
      clientId: newClientId(),
    });
    expect(sent.createdAt).toMatch(/Z$/);
    await bobEvents.until(() => bobEvents.messages().length === 1, 10_000, 'bob to receive');
    expect(bobEvents.messages()[0]).toEqual(sent);
    // The sender's own stream carries the message too, for her other devices.
    await aliceEvents.until(() => aliceEvents.messages().length === 1);

    const reply = await bob.client.messages.send.mutate({
      conversationId: conversation.id,
      body: 'hi alice',
      clientId: newClientId(),
    });
    await aliceEvents.until(() => aliceEvents.messages().length === 2);
    expect(aliceEvents.messages()[1]).toEqual(reply);

    const history = await bob.client.messages.history.query({ conversationId: conversation.id });
    expect(history.messages.map((m) => m.body)).toEqual(['hi alice', 'hello bob']);
    expect(history.nextCursor).toBeNull();

    const list = await alice.client.conversations.list.query();
    expect(list).toHaveLength(1);
    expect(list[0]?.lastMessage).toEqual(reply);

    // Event ids of each stream count up by one with no gaps.
    for (const stream of [aliceEvents, bobEvents]) {
      const ids = stream.events().map((e) => e.id);
      expect(ids).toEqual(ids.map((_, i) => (ids[0] ?? 0) + i));
    }
    aliceEvents.unsubscribe();
    bobEvents.unsubscribe();
  });

  it('pages history newest first with a keyset cursor', async () => {
    const a = await t.user('pa');
    const b = await t.user('pb');
    const conversationId = await befriend(a, b);
    for (let i = 0; i < 7; i++) {
      await a.client.messages.send.mutate({ conversationId, body: `m${i}`, clientId: newClientId() });
    }
    const bodies: string[] = [];
    let cursor: number | undefined;
    for (;;) {
      const page = await b.client.messages.history.query({ conversationId, limit: 3, cursor });
      bodies.push(...page.messages.map((m) => m.body));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(bodies).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
  });

  it('lists conversations by latest activity', async () => {
    const me = await t.user('me');
    const x = await t.user('x');
    const y = await t.user('y');
    const withX = await befriend(me, x);
    const withY = await befriend(me, y);
    await x.client.messages.send.mutate({ conversationId: withX, body: 'from x', clientId: newClientId() });
    await y.client.messages.send.mutate({ conversationId: withY, body: 'from y', clientId: newClientId() });
    expect((await me.client.conversations.list.query()).map((c) => c.id)).toEqual([withY, withX]);
    await x.client.messages.send.mutate({ conversationId: withX, body: 'x again', clientId: newClientId() });
    const list = await me.client.conversations.list.query();
    expect(list.map((c) => c.id)).toEqual([withX, withY]);
    expect(list[0]?.lastMessage?.body).toBe('x again');
  });
});
