import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_CLOSE_AUTH_TIMEOUT } from '../src/ws/close-codes';
import { codeOf, errorCode } from '@pigeon/test-utils';
import { backends, befriend, collectEvents, newClientId, useTestServer } from './harness';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(backends)('what the original app did (%s)', (backend) => {
  const t = useTestServer(backend, { wsAuthTimeoutMs: 600 });

  it('takes an email at registration, unique whatever its case, shown to its owner only', async () => {
    const a = await t.user('mail');
    expect((await a.client.auth.me.query()).email).toBe(a.email);
    const name = `m_${randomBytes(4).toString('hex')}`;
    const taken = await t
      .client()
      .auth.register.mutate({ username: name, email: a.email.toUpperCase(), password: 'long enough' })
      .catch((e: unknown) => e);
    expect(errorCode(taken)).toBe('CONFLICT');
    expect((taken as Error).message).toBe('That email is already registered.');

    const b = await t.user('friend');
    const conversationId = await befriend(a, b);
    const stream = collectEvents(b.client);
    await stream.live();
    await a.client.messages.send.mutate({ conversationId, body: 'hi', clientId: newClientId() });
    await stream.until(() => stream.messages().length === 1);
    const seenByOthers = JSON.stringify([
      await b.client.friends.list.query(),
      await b.client.users.search.query({ query: a.username }),
      await b.client.users.card.query({ userId: a.id }),
      await b.client.conversations.list.query(),
      stream.items,
    ]);
    expect(seenByOthers).toContain(a.username);
    expect(seenByOthers.toLowerCase()).not.toContain(a.email.toLowerCase());
    stream.unsubscribe();
  });

  it('changes username and email; friendships and conversations stay, friends see the new name', async () => {
    const a = await t.user('renamer');
    const b = await t.user('watcher');
    const conversationId = await befriend(a, b);
    await a.client.messages.send.mutate({
      conversationId,
      body: 'before the rename',
      clientId: newClientId(),
    });
    const stream = collectEvents(b.client);
    await stream.live();

    const newName = `renamed_${randomBytes(3).toString('hex')}`;
    const newEmail = `${newName}@example.com`;
    const me = await a.client.auth.updateProfile.mutate({ username: newName, email: newEmail });
    expect(me).toMatchObject({ id: a.id, username: newName, email: newEmail });
    await stream.until(() => stream.events().some((e) => e.type === 'user.updated'));
    expect(stream.events().find((e) => e.type === 'user.updated')).toMatchObject({
      user: { id: a.id, username: newName },
    });
    expect((await b.client.friends.list.query()).map((f) => f.username)).toEqual([newName]);
    expect((await b.client.conversations.list.query())[0]?.members).toEqual([
      { id: a.id, username: newName, displayName: null, isBot: false, avatarUrl: null },
    ]);
    expect((await b.client.messages.history.query({ conversationId })).messages).toHaveLength(1);
    await expect(
      t.client().auth.login.mutate({ username: newName, password: a.password }),
    ).resolves.toBeTruthy();

    expect(await codeOf(b.client.auth.updateProfile.mutate({ username: newName.toUpperCase() }))).toBe(
      'CONFLICT',
    );
    expect(await codeOf(b.client.auth.updateProfile.mutate({ email: newEmail.toUpperCase() }))).toBe(
      'CONFLICT',
    );
    expect(await codeOf(b.client.auth.updateProfile.mutate({}))).toBe('BAD_REQUEST');
    stream.unsubscribe();
  });

  it('shows a public card with how the two stand, and hides a blocker', async () => {
    const me = await t.user('me');
    const friend = await t.user('f');
    const asked = await t.user('asked');
    const asking = await t.user('asking');
    const nobody = await t.user('nobody');
    await befriend(me, friend);
    await me.client.friends.request.mutate({ userId: asked.id });
    await asking.client.friends.request.mutate({ userId: me.id });
    const card = (id: string) => me.client.users.card.query({ userId: id });
    expect((await card(me.id)).relationship).toBe('self');
    expect(await card(friend.id)).toMatchObject({
      id: friend.id,
      username: friend.username,
      relationship: 'friend',
    });
    expect((await card(asked.id)).relationship).toBe('request_sent');
    expect((await card(asking.id)).relationship).toBe('request_received');
    expect((await card(nobody.id)).relationship).toBe('none');
    expect((await card(nobody.id)).memberSince).toMatch(ISO_UTC);
    await nobody.client.friends.block.mutate({ userId: me.id });
    expect(await codeOf(card(nobody.id))).toBe('NOT_FOUND');
    expect((await nobody.client.users.card.query({ userId: me.id })).relationship).toBe('blocked');
  });

  it('deletes a conversation for one side only; new messages bring it back, starting after', async () => {
    const a = await t.user('deleter');
    const b = await t.user('keeper');
    const conversationId = await befriend(a, b);
    for (const body of ['one', 'two']) {
      await b.client.messages.send.mutate({ conversationId, body, clientId: newClientId() });
    }
    expect(await a.client.conversations.clear.mutate({ conversationId })).toMatchObject({
      clearedUpToMessageId: expect.any(Number) as number,
    });
    expect((await a.client.conversations.list.query()).map((c) => c.id)).not.toContain(conversationId);
    expect((await a.client.messages.history.query({ conversationId })).messages).toEqual([]);
    expect((await b.client.messages.history.query({ conversationId })).messages.map((m) => m.body)).toEqual([
      'two',
      'one',
    ]);

    await b.client.messages.send.mutate({ conversationId, body: 'three', clientId: newClientId() });
    const back = (await a.client.conversations.list.query()).find((c) => c.id === conversationId);
    expect(back).toMatchObject({ unreadCount: 1, lastMessage: { body: 'three' } });
    expect((await a.client.messages.history.query({ conversationId })).messages.map((m) => m.body)).toEqual([
      'three',
    ]);
    expect(await codeOf((await t.user('x')).client.conversations.clear.mutate({ conversationId }))).toBe(
      'NOT_FOUND',
    );
  });

  it('sends every timestamp as ISO 8601 in UTC', async () => {
    const a = await t.user('time');
    const b = await t.user('zone');
    const conversationId = await befriend(a, b);
    const message = await a.client.messages.send.mutate({
      conversationId,
      body: 'when?',
      clientId: newClientId(),
    });
    const [friend] = await a.client.friends.list.query();
    const [conversation] = await a.client.conversations.list.query();
    for (const value of [
      (await a.client.auth.me.query()).createdAt,
      message.createdAt,
      friend?.since,
      conversation?.createdAt,
      conversation?.updatedAt,
    ]) {
      expect(value).toMatch(ISO_UTC);
    }
  });

  it('keeps every tab of one user receiving, on one instance', async () => {
    const a = await t.user('tabs');
    const b = await t.user('sender');
    const conversationId = await befriend(a, b);
    const tabs = await Promise.all(
      [1, 2, 3].map(async () => {
        const tab = t.client();
        await tab.auth.login.mutate({ username: a.username, password: a.password });
        return collectEvents(tab);
      }),
    );
    await Promise.all(tabs.map((s) => s.live()));
    const sent = await b.client.messages.send.mutate({
      conversationId,
      body: 'to every tab',
      clientId: newClientId(),
    });
    await Promise.all(tabs.map((s) => s.until(() => s.messages().some((m) => m.id === sent.id))));
    for (const s of tabs) s.unsubscribe();
  });

  it('closes a WebSocket that does not authenticate in time, with a reason', async () => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/trpc`);
    const closed = await new Promise<{ code: number; reason: string; afterMs: number }>((resolve, reject) => {
      const opened = Date.now();
      socket.once('error', reject);
      socket.once('close', (code, reason) =>
        resolve({ code, reason: reason.toString(), afterMs: Date.now() - opened }),
      );
    });
    expect(closed.code).toBe(WS_CLOSE_AUTH_TIMEOUT);
    expect(closed.reason).toMatch(/not authenticated/);
    expect(closed.afterMs).toBeGreaterThanOrEqual(500);

    // A socket with a good token stays open past the deadline.
    const a = await t.user('stays');
    const stream = collectEvents(a.client);
    await stream.live();
    await new Promise((r) => setTimeout(r, 900));
    const b = await t.user('pinger');
    const conversationId = await befriend(a, b);
    await b.client.messages.send.mutate({ conversationId, body: 'still there?', clientId: newClientId() });
    await stream.until(() => stream.messages().length === 1);
    expect(stream.items.filter((i) => i.type === 'stream.live')).toHaveLength(1); // never reconnected
    stream.unsubscribe();
  });
});
