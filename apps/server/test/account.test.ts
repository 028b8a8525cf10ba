import { describe, expect, it } from 'vitest';
import { codeOf } from '@pigeon/test-utils';
import { backends, befriend, collectEvents, newClientId, useTestServer } from './harness';

describe.each(backends)('account export and deletion (%s)', (backend) => {
  const t = useTestServer(backend);

  it('exports the user’s own data as JSON', async () => {
    const a = await t.user('exporter');
    const b = await t.user('friend');
    const conversationId = await befriend(a, b);
    await a.client.messages.send.mutate({ conversationId, body: 'mine', clientId: newClientId() });
    await b.client.messages.send.mutate({ conversationId, body: 'theirs', clientId: newClientId() });
    const data = await a.client.auth.exportData.query();
    expect(data.profile).toMatchObject({ id: a.id, username: a.username, email: a.email });
    expect(data.friends.map((f) => f.id)).toEqual([b.id]);
    expect(data.conversations.map((c) => c.id)).toEqual([conversationId]);
    expect(data.messages.map((m) => m.body).sort()).toEqual(['mine', 'theirs']);
    expect(data.messagesTruncated).toBe(false);
    expect(JSON.parse(JSON.stringify(data))).toEqual(data); // plain JSON
    expect(JSON.stringify(data)).not.toContain(b.email);
  });

  it('deletes an account with its password: gone for login and search, history kept for others', async () => {
    const a = await t.user('leaver');
    const b = await t.user('stayer');
    const conversationId = await befriend(a, b);
    const kept = await a.client.messages.send.mutate({
      conversationId,
      body: 'goodbye',
      clientId: newClientId(),
    });
    const theirs = collectEvents(b.client);
    await theirs.live();

    expect(await codeOf(a.client.auth.deleteAccount.mutate({ password: 'not my password' }))).toBe(
      'FORBIDDEN',
    );
    expect(await a.client.auth.deleteAccount.mutate({ password: a.password })).toEqual({ deleted: true });

    await theirs.until(() => theirs.events().some((e) => e.type === 'friend.removed'));
    expect(await codeOf(t.client().auth.login.mutate({ username: a.username, password: a.password }))).toBe(
      'UNAUTHORIZED',
    );
    expect(await codeOf(a.client.auth.me.query())).toBe('UNAUTHORIZED');
    expect((await b.client.users.search.query({ query: 'deleted_' })).users).toEqual([]);
    expect((await b.client.users.search.query({ query: a.username })).users).toEqual([]);
    expect(await codeOf(b.client.users.card.query({ userId: a.id }))).toBe('NOT_FOUND');
    expect(await codeOf(b.client.friends.request.mutate({ userId: a.id }))).toBe('NOT_FOUND');
    expect(await b.client.friends.list.query()).toEqual([]);

    const history = await b.client.messages.history.query({ conversationId });
    expect(history.messages).toEqual([
      expect.objectContaining({ id: kept.id, body: 'goodbye', senderId: a.id }),
    ]);
    const [conversation] = await b.client.conversations.list.query();
    // Longer than any registrable name, so nobody can take it (and block a later deletion).
    expect(conversation?.members[0]?.username).toBe(`deleted_${a.id}`);
    expect(JSON.stringify(conversation)).not.toContain(a.email);
    // The name is free again for someone new.
    const newcomer = await t
      .client()
      .auth.register.mutate({ username: a.username, email: a.email, password: 'a new person here' });
    expect(newcomer.user.id).not.toBe(a.id);
    theirs.unsubscribe();
  });
});
