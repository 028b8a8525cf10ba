import type { AuthSession } from '@pigeon/schema';
import { describe, expect, it } from 'vitest';
import { SessionStore, type SharedSession, type StoredSession } from '../src/session';

function session(token: string, expiresInMs: number): AuthSession {
  return {
    user: {
      id: 'u',
      username: 'u',
      displayName: null,
      email: null,
      emailVerified: false,
      createdAt: new Date().toISOString(),
      isAdmin: false,
      avatarUrl: null,
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

describe('SessionStore sharing one saved session with other processes', () => {
  /**
   * A server that rotates refresh tokens and ends the session when a used one comes back, and
   * one saved file (the CLI's) with a lock, shared by several stores as by several processes.
   */
  function world() {
    let generation = 0;
    const used = new Set<string>();
    let current = 'refresh-t0';
    let ended = false;
    const refreshFn = async (refreshToken: string | null) => {
      await new Promise((r) => setTimeout(r, 5));
      if (refreshToken === null || used.has(refreshToken)) {
        ended = true;
        throw Object.assign(new Error('reused'), { data: { code: 'UNAUTHORIZED' } });
      }
      if (ended || refreshToken !== current)
        throw Object.assign(new Error('invalid'), { data: { code: 'UNAUTHORIZED' } });
      used.add(refreshToken);
      generation += 1;
      const next = { ...session(`t${generation}`, 600_000), refreshToken: `refresh-t${generation}` };
      current = next.refreshToken;
      return next;
    };
    let saved: StoredSession | null = { ...session('t0', 5_000), refreshToken: 'refresh-t0' };
    let queue = Promise.resolve();
    const shared: SharedSession = {
      read: () => saved,
      exclusive<T>(fn: () => Promise<T>) {
        const run = queue.then(fn);
        queue = run.then(
          () => undefined,
          () => undefined,
        );
        return run;
      },
    };
    const process = (initial: StoredSession | null) => {
      const store = new SessionStore(initial, refreshFn, shared);
      store.onChange((s) => (saved = s));
      return store;
    };
    return { process, refreshFn, saved: () => saved, ended: () => ended, generations: () => generation };
  }

  it('never presents a refresh token another process already used', async () => {
    const w = world();
    const start = w.saved();
    // Two processes started from the same file, both with an expiring access token.
    const tail = w.process(start);
    const send = w.process(start);
    expect(await send.accessToken()).toBe('t1');
    // tail still holds refresh-t0 in memory, which the server has seen: it must take t1 over.
    expect(await tail.accessToken()).toBe('t1');
    expect(w.generations()).toBe(1);

    // Both expiring at once: one refreshes, the other takes its tokens.
    const expiring = { ...session('t1', 5_000), refreshToken: 'refresh-t1' };
    tail.set(expiring);
    send.set(expiring);
    const tokens = await Promise.all([tail.accessToken(), send.accessToken()]);
    expect(tokens).toEqual(['t2', 't2']);
    expect(w.ended()).toBe(false);
    expect(w.saved()?.refreshToken).toBe('refresh-t2');
  });

  it('without it, the same story ends the session: the stale token counts as stolen', async () => {
    const w = world();
    const start = w.saved();
    const tail = new SessionStore(start, w.refreshFn);
    const send = w.process(start);
    expect(await send.accessToken()).toBe('t1');
    expect(await tail.accessToken()).toBeNull();
    expect(w.ended()).toBe(true);
  });
});
