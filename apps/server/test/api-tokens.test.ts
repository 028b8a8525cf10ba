import { API_TOKEN_PREFIX } from '@pigeon/schema';
import { codeOf } from '@pigeon/test-utils';
import { describe, expect, it } from 'vitest';
import { WS_CLOSE_SESSION_ENDED } from '../src/ws/close-codes';
import { callWithBearer, clientWithApiToken, makeApiToken, rawSocketWith } from './api-token-clients';
import { backends, befriend, collectEvents, newClientId, startTestServer, useTestServer } from './harness';

describe.each(backends)('personal API tokens (%s)', (backend) => {
  const t = useTestServer(backend);

  it('shows the secret once, lists tokens without it, and the secret works as a Bearer token', async () => {
    const me = await t.user('tokens');
    const { token, secret } = await me.client.tokens.create.mutate({
      name: 'deploy script',
      scope: 'write',
      expiresInDays: 30,
    });
    expect(secret.startsWith(API_TOKEN_PREFIX)).toBe(true);
    expect(secret.length).toBeGreaterThanOrEqual(API_TOKEN_PREFIX.length + 43);
    expect(token).toMatchObject({ name: 'deploy script', scope: 'write', userId: me.id, lastUsedAt: null });
    expect(secret.startsWith(token.hint)).toBe(true);
    const days = (Date.parse(token.expiresAt ?? '') - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const listed = await me.client.tokens.list.query();
    expect(listed.map((l) => l.id)).toEqual([token.id]);
    expect(JSON.stringify(listed)).not.toContain(secret.slice(API_TOKEN_PREFIX.length + 4));

    const viaToken = clientWithApiToken(t.url, secret);
    expect(await viaToken.auth.me.query()).toMatchObject({ id: me.id, username: me.username, isBot: false });
    expect(await callWithBearer(t.url, secret, 'friends.list', 'query', undefined)).toMatchObject({
      status: 200,
    });
    const [used] = await me.client.tokens.list.query();
    expect(used?.lastUsedAt).not.toBeNull();
    await viaToken.$close();
  });

  it('a write token sends and receives over the WebSocket like its owner', async () => {
    const me = await t.user('writer');
    const friend = await t.user('writer_friend');
    const conversationId = await befriend(me, friend);
    const { secret } = await makeApiToken(me, { scope: 'write' });
    const bot = clientWithApiToken(t.url, secret);
    const stream = collectEvents(bot);
    await stream.live();
    const sent = await friend.client.messages.send.mutate({
      conversationId,
      body: 'ping',
      clientId: newClientId(),
    });
    await stream.until(() => stream.messages().some((m) => m.id === sent.id));
    const reply = await bot.messages.send.mutate({ conversationId, body: 'pong', clientId: newClientId() });
    expect(reply.senderId).toBe(me.id);
    stream.unsubscribe();
    await bot.$close();
  });

  it('a read token reads and subscribes, and every change is FORBIDDEN', async () => {
    const me = await t.user('reader');
    const friend = await t.user('reader_friend');
    const conversationId = await befriend(me, friend);
    const { secret } = await makeApiToken(me, { scope: 'read' });
    const reader = clientWithApiToken(t.url, secret);
    expect(await codeOf(reader.messages.history.query({ conversationId }))).toBe('ok');
    const stream = collectEvents(reader);
    await stream.live();
    expect(
      await codeOf(reader.messages.send.mutate({ conversationId, body: 'no', clientId: newClientId() })),
    ).toBe('FORBIDDEN');
    expect(await codeOf(reader.friends.remove.mutate({ userId: friend.id }))).toBe('FORBIDDEN');
    expect(await codeOf(reader.conversations.typing.mutate({ conversationId }))).toBe('FORBIDDEN');
    expect((await me.client.friends.list.query()).map((f) => f.id)).toEqual([friend.id]);
    expect((await me.client.messages.history.query({ conversationId })).messages).toEqual([]);
    stream.unsubscribe();
    await reader.$close();
  });

  it('cannot manage the account: tokens, bots, password, email, sessions and deletion need a login', async () => {
    const me = await t.user('limited');
    const { secret } = await makeApiToken(me, { scope: 'write' });
    const c = clientWithApiToken(t.url, secret);
    const refusals = await Promise.all([
      codeOf(c.tokens.create.mutate({ name: 'more', scope: 'write', expiresInDays: null })),
      codeOf(c.tokens.list.query()),
      codeOf(c.bots.create.mutate({ username: `b_${newClientId().slice(0, 8)}` })),
      codeOf(c.bots.list.query()),
      codeOf(c.auth.changePassword.mutate({ currentPassword: me.password, newPassword: 'another long one' })),
      codeOf(c.auth.updateProfile.mutate({ email: `x_${newClientId().slice(0, 8)}@example.com` })),
      codeOf(c.auth.deleteAccount.mutate({ password: me.password })),
      codeOf(c.auth.sessions.query()),
      codeOf(c.auth.revokeOtherSessions.mutate()),
      codeOf(c.auth.exportData.query()),
      codeOf(c.auth.logout.mutate()),
    ]);
    expect(refusals).toEqual(Array(refusals.length).fill('FORBIDDEN'));
    expect(await codeOf(me.client.auth.me.query())).toBe('ok');
    expect(await me.client.tokens.list.query()).toHaveLength(1);
    await c.$close();
  });

  it('revoking closes the token’s sockets at once; afterwards it is UNAUTHORIZED everywhere', async () => {
    const me = await t.user('revoker');
    const stranger = await t.user('revoker_stranger');
    const { secret, id } = await makeApiToken(me);
    const socket = rawSocketWith(t.url, secret);
    await socket.live;
    expect(await codeOf(stranger.client.tokens.revoke.mutate({ tokenId: id }))).toBe('NOT_FOUND');
    await me.client.tokens.revoke.mutate({ tokenId: id });
    expect(await socket.closed).toBe(WS_CLOSE_SESSION_ENDED);
    expect(await callWithBearer(t.url, secret, 'auth.me', 'query', undefined)).toEqual({
      status: 401,
      code: 'UNAUTHORIZED',
    });
    // A new socket with the revoked token is anonymous: its subscription is refused.
    const again = clientWithApiToken(t.url, secret);
    expect(await codeOf(again.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await me.client.tokens.list.query()).toEqual([]);
    expect(await codeOf(me.client.tokens.revoke.mutate({ tokenId: id }))).toBe('NOT_FOUND');
    await again.$close();
  });

  it('refuses bad input with readable messages, and unknown or malformed tokens as anonymous', async () => {
    const me = await t.user('badinput');
    const tooLong = await codeOf(
      me.client.tokens.create.mutate({ name: 'x', scope: 'write', expiresInDays: 366 }),
    );
    expect(tooLong).toBe('BAD_REQUEST');
    await expect(
      me.client.tokens.create.mutate({ name: '  ', scope: 'read', expiresInDays: null }),
    ).rejects.toThrow('Name the token.');
    await expect(
      me.client.tokens.create.mutate({ name: 'x', scope: 'admin' as 'read', expiresInDays: null }),
    ).rejects.toThrow('Scope must be "read" or "write".');
    for (const bogus of [
      `${API_TOKEN_PREFIX}nope`,
      `${API_TOKEN_PREFIX}${'a'.repeat(500)}`,
      API_TOKEN_PREFIX,
    ]) {
      expect(await callWithBearer(t.url, bogus, 'auth.me', 'query', undefined)).toEqual({
        status: 401,
        code: 'UNAUTHORIZED',
      });
    }
    expect(await me.client.tokens.list.query()).toEqual([]);
  });
});

describe.runIf(backends.includes('cluster'))('API tokens across instances', () => {
  it('closes a revoked token’s socket on another instance within seconds', async () => {
    const one = await startTestServer('cluster');
    const two = await startTestServer('cluster', { database: one.config.database, redis: one.config.redis });
    try {
      const me = await one.user('spread_token');
      const { secret, id } = await makeApiToken(me);
      const socket = rawSocketWith(two.url, secret);
      await socket.live;
      const started = Date.now();
      await me.client.tokens.revoke.mutate({ tokenId: id });
      expect(await socket.closed).toBe(WS_CLOSE_SESSION_ENDED);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect((await callWithBearer(two.url, secret, 'auth.me', 'query', undefined)).code).toBe(
        'UNAUTHORIZED',
      );
    } finally {
      await two.close();
      await one.close();
    }
  }, 120_000);
});
