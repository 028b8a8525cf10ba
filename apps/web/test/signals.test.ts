import type { AppRouter } from '@pigeon/client';
import type { UserPresence } from '@pigeon/schema';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { describe, expect, it } from 'vitest';
import {
  applyPresence,
  applyTyping,
  endTyping,
  typingKey,
  typistsAt,
  type Typists,
} from '../src/lib/signals';

const typistsIn = (queryClient: QueryClient, conversationId: string) =>
  queryClient.getQueryData<Typists>(typingKey(conversationId));

describe('typing', () => {
  it('lists a typist until the signal runs out or their message lands', () => {
    const queryClient = new QueryClient();
    const now = Date.parse('2026-01-01T00:00:00Z');
    applyTyping(
      queryClient,
      {
        v: 1,
        type: 'typing',
        conversationId: 'c',
        userId: 'u',
        expiresAt: new Date(now + 6_000).toISOString(),
      },
      now,
    );
    expect(typistsAt(typistsIn(queryClient, 'c'), now)).toEqual(['u']);
    expect(typistsAt(typistsIn(queryClient, 'c'), now + 6_000)).toEqual([]);
    expect(typistsAt(typistsIn(queryClient, 'other'), now)).toEqual([]);
    endTyping(queryClient, 'c', 'u');
    expect(typistsAt(typistsIn(queryClient, 'c'), now)).toEqual([]);
  });

  it('drops a typist at once on a signal that has already run out (they cleared the text)', () => {
    const queryClient = new QueryClient();
    const now = Date.parse('2026-01-01T00:00:00Z');
    const signal = (userId: string, expiresAt: number) =>
      applyTyping(
        queryClient,
        { v: 1, type: 'typing', conversationId: 'c', userId, expiresAt: new Date(expiresAt).toISOString() },
        now,
      );
    signal('u', now + 6_000);
    signal('v', now + 6_000);
    signal('u', now);
    expect(typistsAt(typistsIn(queryClient, 'c'), now)).toEqual(['v']);
    expect(typistsIn(queryClient, 'c')).toEqual({ v: now + 6_000 });
  });
});

describe('presence', () => {
  const online: UserPresence = { userId: 'f1', status: 'online', lastSeenAt: null };
  const setUp = () => {
    const queryClient = new QueryClient();
    const trpc = createTRPCOptionsProxy<AppRouter>({
      client: createTRPCClient<AppRouter>({ links: [] }),
      queryClient,
    });
    return { queryClient, trpc, list: () => queryClient.getQueryData(trpc.presence.list.queryKey()) };
  };

  it('puts a friend’s new status in the fetched list, in place of the old one', () => {
    const { queryClient, trpc, list } = setUp();
    queryClient.setQueryData(trpc.presence.list.queryKey(), [online, { ...online, userId: 'f2' }]);
    const lastSeenAt = '2026-01-01T00:00:00.000Z';
    applyPresence(
      { queryClient, trpc },
      { v: 1, type: 'presence', userId: 'f1', status: 'offline', lastSeenAt },
    );
    expect(list()).toEqual([
      { ...online, userId: 'f2' },
      { userId: 'f1', status: 'offline', lastSeenAt },
    ]);
  });

  it('leaves a list not fetched yet to its fetch', () => {
    const { queryClient, trpc, list } = setUp();
    applyPresence(
      { queryClient, trpc },
      { v: 1, type: 'presence', userId: 'f1', status: 'online', lastSeenAt: null },
    );
    expect(list()).toBeUndefined();
  });
});
