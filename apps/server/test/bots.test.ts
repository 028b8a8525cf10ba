import { codeOf } from '@pigeon/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { WS_CLOSE_SESSION_ENDED } from '../src/ws/close-codes';
import { callWithBearer, clientWithApiToken, makeApiToken, rawSocketWith } from './api-token-clients';
import { backends, collectEvents, newClientId, useTestServer } from './harness';

const botName = () => `bot_${newClientId().slice(0, 8)}`;

describe.each(backends)('bot accounts (%s)', (backend) => {
  const t = useTestServer(backend);
  let admin: Awaited<ReturnType<typeof t.user>>;
  // Registered before anyone else on this server, so its admin.
  beforeAll(async () => {
    admin = await t.user('admin');
  });

  it('a person makes a bot, gives it a token, befriends it and chats with it; it shows as a bot', async () => {
    const owner = await t.user('botowner');
    const username = botName();
    const made = await owner.client.bots.create.mutate({ username });
    expect(made).toMatchObject({ username, tokenCount: 0 });
    const { secret, userId } = await makeApiToken(owner, { botId: made.id, name: 'bot key' });
    expect(userId).toBe(made.id);
    expect(await owner.client.bots.list.query()).toEqual([{ ...made, tokenCount: 1 }]);
    expect(await owner.client.tokens.list.query({ botId: made.id })).toHaveLength(1);
    expect(await owner.client.tokens.list.query()).toEqual([]);

    const bot = clientWithApiToken(t.url, secret);
    expect(await bot.auth.me.query()).toMatchObject({ id: made.id, username, isBot: true, email: null });
    const found = await owner.client.users.search.query({ query: username });
    expect(found.users).toEqual([{ id: made.id, username, avatarUrl: null, displayName: null, isBot: true }]);
    expect(await owner.client.users.card.query({ userId: made.id })).toMatchObject({ isBot: true });

    // People reach a bot the usual way: a friend request it accepts, then messages.
    const botStream = collectEvents(bot);
    await botStream.live();
    const { request } = await owner.client.friends.request.mutate({ userId: made.id });
    expect(request.to.isBot).toBe(true);
    expect(request.from.isBot).toBe(false);
    await botStream.until(() => botStream.events().some((e) => e.type === 'friend.request_received'));
    await bot.friends.accept.mutate({ requestId: request.id });
    expect(await owner.client.friends.list.query()).toEqual([
      expect.objectContaining({ id: made.id, isBot: true }),
    ]);
    const conversation = await owner.client.conversations.open.mutate({ userId: made.id });
    expect(conversation.members).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: made.id, isBot: true })]),
    );
    const asked = await owner.client.messages.send.mutate({
      conversationId: conversation.id,
      body: 'hello bot',
      clientId: newClientId(),
    });
    await botStream.until(() => botStream.messages().some((m) => m.id === asked.id));
    await bot.messages.send.mutate({
      conversationId: conversation.id,
      body: 'beep',
      clientId: newClientId(),
    });
    const [listed] = await owner.client.conversations.list.query();
    expect(listed?.members).toEqual([expect.objectContaining({ id: made.id, isBot: true })]);
    expect(listed?.lastMessage?.body).toBe('beep');
    botStream.unsubscribe();
    await bot.$close();
  });

  it('is found by name but never suggested to a newcomer', async () => {
    const owner = await t.user('suggester');
    const made = await owner.client.bots.create.mutate({ username: botName() });
    const newcomer = await t.user('newcomer');
    const suggested = await newcomer.client.friends.suggestions.query();
    expect(suggested.map((s) => s.id)).toContain(owner.id);
    expect(suggested.map((s) => s.id)).not.toContain(made.id);
    expect((await newcomer.client.users.search.query({ query: made.username })).users).toHaveLength(1);
  });

  it('the admin deactivating a person stops their tokens and their bots’ at once, until reactivated', async () => {
    const owner = await t.user('deactivated');
    const made = await owner.client.bots.create.mutate({ username: botName() });
    const own = await makeApiToken(owner);
    const bots = await makeApiToken(owner, { botId: made.id });
    const sockets = [rawSocketWith(t.url, own.secret), rawSocketWith(t.url, bots.secret)];
    await Promise.all(sockets.map((s) => s.live));
    await admin.client.admin.setUserActive.mutate({ userId: owner.id, active: false });
    expect(await Promise.all(sockets.map((s) => s.closed))).toEqual([
      WS_CLOSE_SESSION_ENDED,
      WS_CLOSE_SESSION_ENDED,
    ]);
    for (const secret of [own.secret, bots.secret]) {
      expect((await callWithBearer(t.url, secret, 'auth.me', 'query', undefined)).code).toBe('UNAUTHORIZED');
    }
    await admin.client.admin.setUserActive.mutate({ userId: owner.id, active: true });
    for (const secret of [own.secret, bots.secret]) {
      expect((await callWithBearer(t.url, secret, 'auth.me', 'query', undefined)).status).toBe(200);
    }
  });

  it('cannot log in with a password, whatever is tried', async () => {
    const owner = await t.user('nopassword');
    const { username } = await owner.client.bots.create.mutate({ username: botName() });
    // '!' is the stored stand-in for "no password"; the owner's own password is no key either.
    for (const password of ['!', 'x'.repeat(8), owner.password]) {
      await expect(t.client().auth.login.mutate({ username, password })).rejects.toThrow(
        'Wrong username or password.',
      );
    }
  });

  it('only its owner sees it, gives it tokens, revokes them or deletes it', async () => {
    const owner = await t.user('keeper');
    const stranger = await t.user('intruder');
    const made = await owner.client.bots.create.mutate({ username: botName() });
    const { id: tokenId } = await makeApiToken(owner, { botId: made.id });
    expect(await stranger.client.bots.list.query()).toEqual([]);
    expect(
      await codeOf(
        stranger.client.tokens.create.mutate({
          name: 'x',
          scope: 'write',
          expiresInDays: null,
          botId: made.id,
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(await codeOf(stranger.client.tokens.list.query({ botId: made.id }))).toBe('NOT_FOUND');
    expect(await codeOf(stranger.client.tokens.revoke.mutate({ tokenId }))).toBe('NOT_FOUND');
    expect(await codeOf(stranger.client.bots.delete.mutate({ botId: made.id }))).toBe('NOT_FOUND');
    // Nor is a person a bot of anyone's.
    expect(await codeOf(stranger.client.tokens.list.query({ botId: owner.id }))).toBe('NOT_FOUND');
    expect(await owner.client.tokens.list.query({ botId: made.id })).toHaveLength(1);
    await owner.client.tokens.revoke.mutate({ tokenId });
    expect(await owner.client.tokens.list.query({ botId: made.id })).toEqual([]);
  });

  it('deleting a bot closes its sockets and ends its tokens; its name is free again', async () => {
    const owner = await t.user('deleter');
    const username = botName();
    const made = await owner.client.bots.create.mutate({ username });
    const { secret } = await makeApiToken(owner, { botId: made.id });
    const socket = rawSocketWith(t.url, secret);
    await socket.live;
    await owner.client.bots.delete.mutate({ botId: made.id });
    expect(await socket.closed).toBe(WS_CLOSE_SESSION_ENDED);
    expect((await callWithBearer(t.url, secret, 'auth.me', 'query', undefined)).code).toBe('UNAUTHORIZED');
    expect(await owner.client.bots.list.query()).toEqual([]);
    expect(await codeOf(owner.client.bots.delete.mutate({ botId: made.id }))).toBe('NOT_FOUND');
    expect(await codeOf(owner.client.bots.create.mutate({ username }))).toBe('ok');
  });

  it('a taken name is a CONFLICT; deleting the owner deletes their bots and ends their tokens', async () => {
    const owner = await t.user('mortal');
    expect(await codeOf(owner.client.bots.create.mutate({ username: owner.username.toUpperCase() }))).toBe(
      'CONFLICT',
    );
    const made = await owner.client.bots.create.mutate({ username: botName() });
    const { secret } = await makeApiToken(owner, { botId: made.id });
    const socket = rawSocketWith(t.url, secret);
    await socket.live;
    await owner.client.auth.deleteAccount.mutate({ password: owner.password });
    expect(await socket.closed).toBe(WS_CLOSE_SESSION_ENDED);
    expect((await callWithBearer(t.url, secret, 'auth.me', 'query', undefined)).code).toBe('UNAUTHORIZED');
    const someone = await t.user('searcher');
    expect((await someone.client.users.search.query({ query: made.username })).users).toEqual([]);
  });
});
