import { SessionStore, type AppRouter, type StoredSession } from '@pigeon/client';
import type { Me } from '@pigeon/schema';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { describe, expect, it } from 'vitest';
import { followSession } from '../src/lib/pigeon';
import { createStore } from '../src/store';

const ada: Me = {
  id: 'u1',
  username: 'ada',
  displayName: null,
  isBot: false,
  email: 'ada@example.com',
  emailVerified: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  isAdmin: false,
  avatarUrl: null,
};
const session = (user: Me): StoredSession => ({
  user,
  accessToken: 'access',
  accessTokenExpiresAt: '2026-01-01T00:15:00.000Z',
  refreshToken: null,
  refreshTokenExpiresAt: '2026-01-31T00:00:00.000Z',
});

function setUp() {
  const tokens = new SessionStore(null, () => Promise.reject(new Error('no refresh in this test')));
  const store = createStore();
  const queryClient = new QueryClient();
  const trpc = createTRPCOptionsProxy<AppRouter>({
    client: createTRPCClient<AppRouter>({ links: [] }),
    queryClient,
  });
  followSession(tokens, { store, queryClient, trpc });
  const me = () => queryClient.getQueryData(trpc.auth.me.queryKey());
  return { tokens, store, me };
}

describe('following the session', () => {
  it('keeps whose session it is in Redux and the account in the query cache, once each', () => {
    const { tokens, store, me } = setUp();
    tokens.set(session(ada));
    expect(store.getState().session).toEqual({ status: 'authenticated', userId: 'u1', offline: false });
    expect(me()).toEqual(ada);

    // A refresh after a rename elsewhere answers with the account as it is now.
    tokens.set(session({ ...ada, username: 'ada2' }));
    expect(me()?.username).toBe('ada2');
  });

  it('forgets both when the session ends', () => {
    const { tokens, store, me } = setUp();
    tokens.set(session(ada));
    tokens.set(null);
    expect(store.getState().session).toEqual({ status: 'anonymous', userId: null, offline: false });
    expect(me()).toBeUndefined();
  });
});
