import { randomUUID } from 'node:crypto';
import type { Conversation } from '@pigeon/schema';
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@pigeon/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEventStream } from '@pigeon/web/src/lib/events';
import { createStore } from '@pigeon/web/src/store';
import { loggedIn } from '@pigeon/web/src/store/session';
import { friendsWithConversation, startWebServer } from '../src/browser';

let server: Awaited<ReturnType<typeof startWebServer>>;

beforeAll(async () => {
  server = await startWebServer();
});
afterAll(async () => {
  await server.close();
});

/**
 * A page's first fetches and its event stream start at nearly the same moment, but not at the
 * same one: the stream begins where the log stands when it opens. A message that lands in between
 * is in neither, unless the app fetches again once the stream is live. (This is what a CI run
 * once caught in the browser test of notifications; here the gap is made on purpose.)
 */
it('counts a message that lands between the first fetch of the chat list and the stream going live', async () => {
  const { one: me, two: friend, conversationId, close } = await friendsWithConversation(server.url, 'gap');
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client: me.client, queryClient });
  const store = createStore();
  store.dispatch(loggedIn(await me.client.auth.me.query()));

  // The chat list is on screen (an active query), fetched before anything was sent.
  const listKey = trpc.conversations.list.queryKey();
  const onScreen = new QueryObserver(queryClient, trpc.conversations.list.queryOptions());
  const unwatch = onScreen.subscribe(() => {});
  await expect.poll(() => queryClient.getQueryData<Conversation[]>(listKey)?.length).toBe(1);
  expect(queryClient.getQueryData<Conversation[]>(listKey)?.[0]?.unreadCount).toBe(0);

  // The friend writes; only then does this app's stream open.
  await friend.client.messages.send.mutate({ conversationId, body: 'in the gap', clientId: randomUUID() });
  const stop = startEventStream({ client: me.client, queryClient, trpc, store });

  await expect
    .poll(() => queryClient.getQueryData<Conversation[]>(listKey)?.[0], { timeout: 10_000 })
    .toMatchObject({ unreadCount: 1, lastMessage: { body: 'in the gap' } });

  stop();
  unwatch();
  queryClient.clear();
  await close();
});
