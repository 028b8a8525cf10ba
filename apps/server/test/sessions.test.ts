import { createPigeonClient, type PigeonClient } from '@pigeon/client';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_CLOSE_SESSION_ENDED } from '../src/ws/close-codes';
import { codeOf, errorCode } from '@pigeon/test-utils';
import { backends, startTestServer, useTestServer, type TestServer } from './harness';

const CHROME_ON_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/** A raw socket authenticated with `token`, resolving with its close code. */
function socketWith(server: TestServer, token: string) {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/trpc?connectionParams=1`);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
      ws.send(
        JSON.stringify({
          id: 1,
          method: 'subscription',
          params: { path: 'events.subscribe', input: { lastEventId: null } },
        }),
      );
      resolve();
    });
    ws.once('error', reject);
  });
  const live = new Promise<void>((resolve) =>
    ws.on('message', (data: Buffer) => {
      if (data.toString().includes('stream.live')) resolve();
    }),
  );
  return { opened, live, closed };
}

async function loginAgain(
  server: TestServer,
  user: { username: string; password: string },
  userAgent?: string,
) {
  const res = await fetch(`${server.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(userAgent ? { 'user-agent': userAgent } : {}) },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  const body = (await res.json()) as { result: { data: { accessToken: string; refreshToken: string } } };
  return body.result.data;
}

function clientWith(server: TestServer, accessToken: string): PigeonClient {
  return createPigeonClient({
    url: server.url,
    WebSocket,
    session: {
      accessToken,
      accessTokenExpiresAt: new Date(Date.now() + 600_000).toISOString(),
      refreshToken: null,
      refreshTokenExpiresAt: new Date(Date.now() + 600_000).toISOString(),
      user: {
        id: '00000000-0000-4000-8000-000000000000',
        username: 'x',
        isBot: false,
        email: null,
        createdAt: new Date().toISOString(),
      },
    },
  });
}

describe.each(backends)('sessions (%s)', (backend) => {
  const t = useTestServer(backend);

  it('lists devices and ends one: its socket closes and its token stops working', async () => {
    const me = await t.user('devices');
    const laptop = await loginAgain(t, me, CHROME_ON_LINUX);
    const list = await me.client.auth.sessions.query();
    expect(list).toHaveLength(2);
    const other = list.find((s) => !s.current);
    expect(other?.device).toBe('Chrome on Linux');
    expect(list.filter((s) => s.current)).toHaveLength(1);

    const socket = socketWith(t, laptop.accessToken);
    await socket.opened;
    await socket.live;
    await me.client.auth.revokeSession.mutate({ sessionId: other?.id ?? '' });
    expect(await socket.closed).toBe(WS_CLOSE_SESSION_ENDED);
    expect(await codeOf(clientWith(t, laptop.accessToken).auth.me.query())).toBe('UNAUTHORIZED');
    expect((await me.client.auth.sessions.query()).map((s) => s.current)).toEqual([true]);
    expect(await codeOf(me.client.auth.revokeSession.mutate({ sessionId: other?.id ?? '' }))).toBe(
      'NOT_FOUND',
    );
  });

  it('ends every other session at once, and on a password change', async () => {
    const me = await t.user('many');
    const phones = await Promise.all([loginAgain(t, me), loginAgain(t, me)]);
    expect(await me.client.auth.revokeOtherSessions.mutate()).toEqual({ ended: 2 });
    for (const phone of phones)
      expect(await codeOf(clientWith(t, phone.accessToken).auth.me.query())).toBe('UNAUTHORIZED');

    const tablet = await loginAgain(t, me);
    expect(
      await codeOf(
        me.client.auth.changePassword.mutate({
          currentPassword: 'not it at all',
          newPassword: 'a new password',
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await me.client.auth.changePassword.mutate({
        currentPassword: me.password,
        newPassword: 'a brand new password',
      }),
    ).toEqual({ ended: 1 });
    expect(await codeOf(clientWith(t, tablet.accessToken).auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(t.client().auth.login.mutate({ username: me.username, password: me.password }))).toBe(
      'UNAUTHORIZED',
    );
    await expect(
      t.client().auth.login.mutate({ username: me.username, password: 'a brand new password' }),
    ).resolves.toBeTruthy();
    expect((await me.client.auth.me.query()).id).toBe(me.id); // the changing session goes on
  });

  it('ends the whole session when a used refresh token comes back', async () => {
    const me = await t.user('replay');
    const stolen = await loginAgain(t, me);
    const fresh = await t.client().auth.refresh.mutate({ refreshToken: stolen.refreshToken });
    const replay = await t
      .client()
      .auth.refresh.mutate({ refreshToken: stolen.refreshToken })
      .catch((e: unknown) => e);
    expect(errorCode(replay)).toBe('UNAUTHORIZED');
    expect((replay as Error).message).toMatch(/used from somewhere else/);
    // The legitimate holder's newer tokens die with it.
    expect(await codeOf(t.client().auth.refresh.mutate({ refreshToken: fresh.refreshToken ?? '' }))).toBe(
      'UNAUTHORIZED',
    );
    expect(await codeOf(clientWith(t, fresh.accessToken).auth.me.query())).toBe('UNAUTHORIZED');
  });
});

describe.runIf(backends.includes('cluster'))('sessions across instances', () => {
  it('closes a revoked session’s socket on another instance within seconds', async () => {
    const one = await startTestServer('cluster');
    const two = await startTestServer('cluster', { database: one.config.database, redis: one.config.redis });
    try {
      const me = await one.user('spread');
      const elsewhere = await loginAgain(two, me);
      const socket = socketWith(two, elsewhere.accessToken);
      await socket.opened;
      await socket.live;
      const started = Date.now();
      await me.client.auth.revokeOtherSessions.mutate();
      expect(await socket.closed).toBe(WS_CLOSE_SESSION_ENDED);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(await codeOf(clientWith(two, elsewhere.accessToken).auth.me.query())).toBe('UNAUTHORIZED');
    } finally {
      await two.close();
      await one.close();
    }
  });
});
