import type { AuthSession } from '@pigeon/schema';
import { describe, expect, it } from 'vitest';
import { SessionStore } from '../src/session';

function session(token: string, expiresInMs: number): AuthSession {
  return {
    user: {
      id: 'u',
      username: 'u',
      email: null,
      createdAt: new Date().toISOString(),
      isAdmin: false,
      isBot: false,
    },
    accessToken: token,
    accessTokenExpiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    refreshToken: `refresh-${token}`,
    refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  };
}

describe('SessionStore', () => {
  it('hands out a live token without refreshing', async () => {
    let calls = 0;
    const store = new SessionStore(session('a', 600_000), () => {
      calls++;
      return Promise.resolve(session('b', 600_000));
    });
    expect(await store.accessToken()).toBe('a');
    expect(calls).toBe(0);
  });

  it('refreshes a nearly expired token once for many callers', async () => {
    let calls = 0;
    const seen: (string | null)[] = [];
    const store = new SessionStore(session('old', 5_000), async (refreshToken) => {
      calls++;
      expect(refreshToken).toBe('refresh-old');
      await new Promise((r) => setTimeout(r, 20));
      return session('new', 600_000);
    });
    store.onChange((s) => seen.push(s?.accessToken ?? null));
    const tokens = await Promise.all(Array.from({ length: 10 }, () => store.accessToken()));
    expect(tokens).toEqual(Array(10).fill('new'));
    expect(calls).toBe(1);
    expect(seen).toEqual(['new']);
  });

  it('logs out when the server refuses the refresh, but keeps the session on a network error', async () => {
    const refused = new SessionStore(session('x', 0), () =>
      Promise.reject(Object.assign(new Error('nope'), { data: { code: 'UNAUTHORIZED' } })),
    );
    expect(await refused.accessToken()).toBeNull();
    expect(refused.get()).toBeNull();

    const offline = new SessionStore(session('y', 0), () => Promise.reject(new Error('ECONNREFUSED')));
    await expect(offline.accessToken()).rejects.toThrow('ECONNREFUSED');
    expect(offline.get()?.accessToken).toBe('y');
  });
});
