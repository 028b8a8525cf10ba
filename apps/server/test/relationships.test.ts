import { describe, expect, it } from 'vitest';
import { codeOf, errorCode } from '@pigeon/test-utils';
import { backends, befriend, collectEvents, newClientId, useTestServer } from './harness';

describe.each(backends)('cancel, unfriend, block (%s)', (backend) => {
  const t = useTestServer(backend);

  it('lets the sender withdraw a pending request, and only the sender', async () => {
    const a = await t.user('a');
    const b = await t.user('b');
    const theirs = collectEvents(b.client);
    await theirs.live();
    const { request } = await a.client.friends.request.mutate({ userId: b.id });
    expect(await codeOf(b.client.friends.cancel.mutate({ requestId: request.id }))).toBe('NOT_FOUND');
    expect(await a.client.friends.cancel.mutate({ requestId: request.id })).toEqual({
      requestId: request.id,
    });
    expect((await b.client.friends.requests.query()).incoming).toEqual([]);
    await theirs.until(() => theirs.events().some((e) => e.type === 'friend.request_cancelled'));
    expect(await codeOf(b.client.friends.accept.mutate({ requestId: request.id }))).toBe('NOT_FOUND');
    theirs.unsubscribe();
  });

  it('unfriends both ways, keeps the history, and stops new messages', async () => {
    const a = await t.user('a');
    const b = await t.user('b');
    const conversationId = await befriend(a, b);
    await a.client.messages.send.mutate({ conversationId, body: 'before', clientId: newClientId() });
    const theirs = collectEvents(b.client);
    await theirs.live();
    expect(await a.client.friends.remove.mutate({ userId: b.id })).toEqual({ userId: b.id });
    await theirs.until(() => theirs.events().some((e) => e.type === 'friend.removed'));
    expect(theirs.events().find((e) => e.type === 'friend.removed')).toMatchObject({ userId: a.id });
    expect(await b.client.friends.list.query()).toEqual([]);
    expect(
      await codeOf(b.client.messages.send.mutate({ conversationId, body: 'after', clientId: newClientId() })),
    ).toBe('FORBIDDEN');
    expect((await b.client.messages.history.query({ conversationId })).messages.map((m) => m.body)).toEqual([
      'before',
    ]);
    expect(await codeOf(a.client.friends.remove.mutate({ userId: b.id }))).toBe('NOT_FOUND');
    theirs.unsubscribe();
  });

  it('hides a blocker from the blocked in search and suggestions, and refuses requests and messages', async () => {
    const blocker = await t.user('blocker');
    const pest = await t.user('pest');
    const conversationId = await befriend(blocker, pest);
    await blocker.client.messages.send.mutate({
      conversationId,
      body: 'before it went wrong',
      clientId: newClientId(),
    });
    const pestStream = collectEvents(pest.client);
    await pestStream.live();

    expect(await blocker.client.friends.block.mutate({ userId: pest.id })).toEqual({
      id: pest.id,
      username: pest.username,
      displayName: null,
      isBot: false,
      avatarUrl: null,
    });
    expect(await blocker.client.friends.blocked.query()).toEqual([
      { id: pest.id, username: pest.username, displayName: null, isBot: false, avatarUrl: null },
    ]);
    await pestStream.until(() => pestStream.events().some((e) => e.type === 'friend.removed'));
    // The blocked person learns only that the friendship ended, never that they were blocked.
    expect(pestStream.events().map((e) => e.type)).toEqual(['friend.removed']);

    const search = await pest.client.users.search.query({ query: blocker.username });
    expect(search.users).toEqual([]);
    expect((await pest.client.friends.suggestions.query()).map((s) => s.id)).not.toContain(blocker.id);
    const refusals = await Promise.all([
      pest.client.friends.request.mutate({ userId: blocker.id }).catch((e: unknown) => e),
      pest.client.friends.request.mutate({ username: blocker.username }).catch((e: unknown) => e),
      blocker.client.friends.request.mutate({ userId: pest.id }).catch((e: unknown) => e),
    ]);
    for (const err of refusals) {
      expect(errorCode(err)).toBe('FORBIDDEN');
      expect((err as Error).message).toBe('That is not possible.');
    }
    expect(
      await codeOf(
        pest.client.messages.send.mutate({ conversationId, body: 'hey', clientId: newClientId() }),
      ),
    ).toBe('FORBIDDEN');
    expect(await codeOf(pest.client.conversations.open.mutate({ userId: blocker.id }))).toBe('FORBIDDEN');

    // Reading the old conversation tells the blocker nothing (no receipts across a block).
    const blockerStream = collectEvents(blocker.client);
    await blockerStream.live();
    const history = await pest.client.messages.history.query({ conversationId });
    const last = history.messages[0];
    if (!last) throw new Error('the old message is gone');
    await pest.client.conversations.markRead.mutate({ conversationId, messageId: last.id });
    await new Promise((r) => setTimeout(r, 300));
    expect(blockerStream.events().filter((e) => e.type === 'conversation.read')).toEqual([]);
    blockerStream.unsubscribe();

    // Unblocked: findable again, and a new request works.
    await blocker.client.friends.unblock.mutate({ userId: pest.id });
    expect((await pest.client.users.search.query({ query: blocker.username })).users).toEqual([
      { id: blocker.id, username: blocker.username, displayName: null, isBot: false, avatarUrl: null },
    ]);
    expect((await pest.client.friends.request.mutate({ userId: blocker.id })).status).toBe('pending');
    expect(await codeOf(blocker.client.friends.unblock.mutate({ userId: pest.id }))).toBe('NOT_FOUND');
    expect(await codeOf(blocker.client.friends.block.mutate({ userId: blocker.id }))).toBe('BAD_REQUEST');
    pestStream.unsubscribe();
  });
});
