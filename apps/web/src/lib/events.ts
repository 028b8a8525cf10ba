import type { AppRouter, PigeonClient, StreamItem } from '@pigeon/client';
import type { Conversation } from '@pigeon/schema';
import type { QueryClient } from '@tanstack/react-query';
import type { TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { AppStore } from '../store';
import { historyKey } from './history';
import { applyStoredMessage, applyUpdatedMessage } from './message-cache';
import { notifyIfAway } from './notifications';
import { applyPresence, applyTyping, endTyping } from './signals';

/**
 * Applies the user's event stream to the query cache, so every screen updates live. The
 * subscription resumes by itself after a reconnect (tRPC resends the last event id).
 */
export function startEventStream(opts: {
  client: PigeonClient;
  queryClient: QueryClient;
  trpc: TRPCOptionsProxy<AppRouter>;
  store: AppStore;
}): () => void {
  const { client, queryClient, trpc, store } = opts;
  let caughtUpOnce = false;
  const apply = (item: StreamItem) => {
    switch (item.type) {
      case 'message.created':
        notifyIfAway(
          item.message,
          queryClient
            .getQueryData<Conversation[]>(trpc.conversations.list.queryKey())
            ?.find((c) => c.id === item.message.conversationId),
          store.getState().session.userId ?? undefined,
        );
        applyStoredMessage({ queryClient, trpc, store }, item.message);
        endTyping(queryClient, item.message.conversationId, item.message.senderId);
        break;
      case 'message.updated':
        applyUpdatedMessage({ queryClient, trpc }, item.message);
        break;
      case 'user.updated':
        // A new name shows wherever people are listed; one of ours renames us in the header too.
        void queryClient.invalidateQueries({ queryKey: trpc.friends.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
        if (item.user.id === store.getState().session.userId) {
          void queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
        }
        break;
      case 'conversation.cleared':
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
        void queryClient.resetQueries({
          queryKey: historyKey(trpc, item.conversationId),
        });
        break;
      case 'group.updated':
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
        break;
      case 'group.removed':
        // Out of the group: it leaves the list, and an open view of it learns it is gone.
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
        void queryClient.invalidateQueries({
          queryKey: historyKey(trpc, item.conversationId),
        });
        break;
      case 'conversation.muted':
      case 'conversation.read':
        // Unread counts and "seen" are the server's to compute: fetch the list again.
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
        break;
      case 'typing':
        applyTyping(queryClient, item);
        break;
      case 'presence':
        applyPresence({ queryClient, trpc }, item);
        break;
      case 'friend.request_received':
      case 'friend.request_sent':
      case 'friend.request_declined':
      case 'friend.added':
      case 'friend.request_cancelled':
      case 'friend.removed':
      case 'user.blocked':
      case 'user.unblocked':
        void queryClient.invalidateQueries({ queryKey: trpc.friends.pathKey() });
        // A new friend's presence, or an old one's no more: only the server knows who is whose.
        void queryClient.invalidateQueries({ queryKey: trpc.presence.list.queryKey() });
        break;
      case 'stream.live':
        if (!caughtUpOnce) {
          // A new stream starts where the log stands when it opens, not where the screens'
          // first fetches stood: whatever happened in between (a message, a request) is in
          // neither. Fetch what is on screen again, now that nothing can fall in the gap.
          // Later reconnects resume by id, so the replay covers them.
          caughtUpOnce = true;
          void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
          void queryClient.invalidateQueries({ queryKey: trpc.messages.history.pathKey() });
          void queryClient.invalidateQueries({ queryKey: trpc.friends.pathKey() });
        }
        // Presence signals are never replayed, so ask for the whole picture again on every one.
        void queryClient.invalidateQueries({ queryKey: trpc.presence.list.queryKey() });
        break;
      default:
        // A newer server may send types this build does not know: skip them.
        break;
    }
  };
  const subscription = client.events.subscribe.subscribe(
    { lastEventId: null },
    {
      onData: ({ data }) => apply(data),
      onError: (err) => {
        // The session was ended elsewhere (logged out from another device): a refresh confirms
        // it, and its refusal logs this tab out.
        if ((err.data as { code?: string } | undefined)?.code === 'UNAUTHORIZED')
          void client.$session.refresh();
      },
    },
  );
  return () => subscription.unsubscribe();
}
