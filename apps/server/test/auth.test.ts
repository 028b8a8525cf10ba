import { createPigeonClient, type AppRouter, type AuthSession, type TRPCClientError } from '@pigeon/client';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { errorCode } from '@pigeon/test-utils';
import { backends, befriend, collectEvents, TEST_JWT_SECRET, useTestServer } from './harness';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each(backends)('accounts and tokens (%s)', (backend) => {
  const t = useTestServer(backend);

  /** A client that presents the given access token as-is, never refreshing it. */
  function clientWithToken(accessToken: string) {
    return createPigeonClient({
      url: t.url,
      WebSocket,
      retryDelayMs: () => 50,
      session: {
        accessToken,
        accessTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        refreshToken: 'none',
        refreshTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        user: {
          id: '00000000-0000-4000-8000-000000000000',
          username: 'x',
          displayName: null,
          isBot: false,
          email: null,
          emailVerified: false,
          createdAt: new Date().toISOString(),
          isAdmin: false,
          avatarUrl: null,
        },
      },
    });
  }

  it('registers case-insensitively unique usernames', async () => {
    const a = await t.user('Dup');
    const err = await t
      .client()
      .auth.register.mutate({
        username: a.username.toUpperCase(),
        email: `other_${a.email}`,
        password: 'another password',
      })
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('CONFLICT');
    expect((err as Error).message).toBe('That username is taken.');
    // The original account is untouched: its password still works, the new one does not.
    await expect(
      t.client().auth.login.mutate({ username: a.username, password: a.password }),
    ).resolves.toBeTruthy();
    await expect(
      t.client().auth.login.mutate({ username: a.username, password: 'another password' }),
    ).rejects.toSatisfy((e) => errorCode(e) === 'UNAUTHORIZED');
  });

  it('explains invalid registrations field by field', async () => {
    const err = await t
      .client()
      .auth.register.mutate({ username: 'a b', email: 'not an email', password: 'short' })
      .catch((e: unknown) => e);
    expect(errorCode(err)).toBe('BAD_REQUEST');
    const fieldErrors = (err as TRPCClientError<AppRouter>).data?.zodError?.fieldErrors;
    expect(fieldErrors?.username?.[0]).toMatch(/letters, digits/);
    expect(fieldErrors?.email?.[0]).toBe('That does not look like an email address.');
    expect(fieldErrors?.password?.[0]).toMatch(/at least 8/);
  });

  it('gives the same answer for a wrong password and an unknown user', async () => {
    const a = await t.user('login');
    const wrong = await t
      .client()
      .auth.login.mutate({ username: a.username, password: 'wrong password' })
      .catch((e: unknown) => e);
    const unknown = await t
      .client()
      .auth.login.mutate({ username: 'nobody_here', password: 'wrong password' })
      .catch((e: unknown) => e);
    for (const err of [wrong, unknown]) {
      expect(errorCode(err)).toBe('UNAUTHORIZED');
      expect((err as Error).message).toBe('Wrong username or password.');
    }
    const session = await t
      .client()
      .auth.login.mutate({ username: a.username.toUpperCase(), password: a.password });
    expect(session.user.id).toBe(a.id);
  });

  it('rotates refresh tokens and ends sessions on logout', async () => {
    const a = await t.user('rot');
    const first = a.client.$session.get();
    if (!first?.refreshToken) throw new Error('no session');
    const next = await a.client.$session.refresh();
    expect(next?.refreshToken).not.toBe(first.refreshToken);
    expect((await a.client.auth.me.query()).id).toBe(a.id);
    // (Presenting the used one again ends the whole session: see sessions.test.ts.)
    const last = a.client.$session.get();
    await a.client.auth.logout.mutate({});
    expect(a.client.$session.get()).toBeNull();
    await expect(
      t.client().auth.refresh.mutate({ refreshToken: last?.refreshToken ?? '' }),
    ).rejects.toSatisfy((e) => errorCode(e) === 'UNAUTHORIZED');
    await expect(a.client.auth.me.query()).rejects.toSatisfy((e) => errorCode(e) === 'UNAUTHORIZED');
  });

  it('keeps a browser refresh token in an httpOnly cookie, rotating it on refresh', async () => {
    const a = await t.user('cookie');
    const call = async (path: string, body: unknown, cookie?: string) => {
      const res = await fetch(`${t.url}/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
      const setCookie = res.headers.getSetCookie();
      return {
        status: res.status,
        json: (await res.json()) as { result?: { data: AuthSession } },
        setCookie,
      };
    };
    const login = await call('auth.login', { username: a.username, password: a.password, cookie: true });
    expect(login.status).toBe(200);
    expect(login.json.result?.data.refreshToken).toBeNull();
    expect(login.setCookie).toHaveLength(1);
    const [cookie] = login.setCookie;
    expect(cookie).toMatch(/^pigeon_refresh=[\w-]+; Max-Age=\d+; Path=\/trpc; HttpOnly; SameSite=Strict$/);
    const pair = cookie?.split(';')[0] ?? '';

    const refreshed = await call('auth.refresh', {}, pair);
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.result?.data.user.id).toBe(a.id);
    const nextPair = refreshed.setCookie[0]?.split(';')[0] ?? '';
    expect(nextPair).not.toBe(pair);
    // The rotated-away cookie is refused and cleared.
    const replay = await call('auth.refresh', {}, pair);
    expect(replay.status).toBe(401);
    expect(replay.setCookie[0]).toMatch(/^pigeon_refresh=; Max-Age=0/);
    expect((await call('auth.refresh', {})).status).toBe(401);
  });

  it('resumes a browser session from its cookie, and answers null without an error for a visitor', async () => {
    const a = await t.user('resume');
    const call = async (body: unknown, cookie?: string) => {
      const res = await fetch(`${t.url}/trpc/auth.resume`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        json: (await res.json()) as { result?: { data: AuthSession | null }; error?: unknown },
        setCookie: res.headers.getSetCookie(),
      };
    };
    // A visitor: no cookie, no session, and no error status for the browser to log.
    const visitor = await call({});
    expect(visitor).toMatchObject({ status: 200, json: { result: { data: null } } });
    expect(visitor.setCookie).toEqual([]);

    const login = await fetch(`${t.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: a.username, password: a.password, cookie: true }),
    });
    const pair = login.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const resumed = await call({}, pair);
    expect(resumed.status).toBe(200);
    expect(resumed.json.result?.data?.user.id).toBe(a.id);
    expect(resumed.json.result?.data?.refreshToken).toBeNull();
    const nextPair = resumed.setCookie[0]?.split(';')[0] ?? '';
    expect(nextPair).not.toBe(pair);

    // A cookie whose session has ended is "not logged in" too, and is cleared.
    const stale = await call({}, pair);
    expect(stale).toMatchObject({ status: 200, json: { result: { data: null } } });
    expect(stale.setCookie[0]).toMatch(/^pigeon_refresh=; Max-Age=0/);
    // Reusing a rotated token ended that session for safety, as a refresh would.
    expect((await call({}, nextPair)).json.result?.data).toBeNull();
    // Bad input is still a typed error.
    expect((await call({ refreshToken: 'x' })).status).toBe(400);
  });

  it('refuses expired, tampered, wrong-key and alg:none tokens', async () => {
    const a = await t.user('tok');
    const good = a.client.$session.get()?.accessToken ?? '';
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const key = new TextEncoder().encode(TEST_JWT_SECRET);
    const sign = (k: Uint8Array, exp: number) =>
      new SignJWT({ sid: claims.sid })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(a.id)
        .setIssuer('pigeon')
        .setAudience('pigeon')
        .setIssuedAt(exp - 900)
        .setExpirationTime(exp)
        .sign(k);
    const now = Math.floor(Date.now() / 1000);
    const bad = {
      expired: await sign(key, now - 10),
      wrongKey: await sign(new TextEncoder().encode('another-secret'.padEnd(48, 'y')), now + 600),
      tampered: `${header}.${base64url({ ...claims, sub: '00000000-0000-4000-8000-000000000001' })}.${signature}`,
      algNone: `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      garbage: 'not.a.token',
    };
    for (const [name, token] of Object.entries(bad)) {
      const client = clientWithToken(token);
      const err = await client.auth.me.query().catch((e: unknown) => e);
      expect(errorCode(err), name).toBe('UNAUTHORIZED');
      const stream = collectEvents(client);
      await stream.until(() => stream.errors.length > 0, 10_000, `${name} subscription refusal`);
      expect(errorCode(stream.errors[0]), name).toBe('UNAUTHORIZED');
      expect(stream.items).toEqual([]);
      await client.$close();
    }
    // A forged token cannot write either: nothing reaches the conversation.
    const friend = await t.user('tokfriend');
    const conversationId = await befriend(a, friend);
    for (const token of Object.values(bad)) {
      const forged = clientWithToken(token);
      await expect(
        forged.messages.send.mutate({ conversationId, body: 'forged', clientId: crypto.randomUUID() }),
      ).rejects.toSatisfy((e) => errorCode(e) === 'UNAUTHORIZED');
    }
    expect((await friend.client.messages.history.query({ conversationId })).messages).toEqual([]);
    // The genuine token still works, so the refusals above were about the tokens.
    expect((await clientWithToken(good).auth.me.query()).id).toBe(a.id);
  });

  it('refuses every user procedure without a token', async () => {
    const anonymous = t.client();
    const calls = [
      () => anonymous.auth.me.query(),
      () => anonymous.users.search.query({ query: 'a' }),
      () => anonymous.friends.list.query(),
      () => anonymous.friends.requests.query(),
      () => anonymous.friends.suggestions.query(),
      () => anonymous.conversations.list.query(),
      () => anonymous.friends.request.mutate({ username: 'someone' }),
      () => anonymous.messages.history.query({ conversationId: '00000000-0000-4000-8000-000000000000' }),
    ];
    for (const call of calls) await expect(call()).rejects.toSatisfy((e) => errorCode(e) === 'UNAUTHORIZED');
  });
});
