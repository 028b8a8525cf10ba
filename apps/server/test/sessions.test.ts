import { describe, expect, it } from 'vitest';
import { WS_CLOSE_SESSION_ENDED } from '../src/ws/close-codes';
import { codeOf, errorCode } from '@pigeon/test-utils';
import { backends, startTestServer, useTestServer } from './harness';
import { clientWith, loginAgain, socketWith } from './raw-sessions';

const CHROME_ON_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

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
