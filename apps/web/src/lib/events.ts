import type { PigeonClient, StreamItem } from '@pigeon/client';
import type { Conversation, Message } from '@pigeon/schema';
import type { QueryClient } from '@tanstack/react-query';
import type { TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@pigeon/client';
import type { AppStore } from '../store';
import { confirmed } from '../store/outbox';
import { addToHistory, replaceInHistory, type HistoryPages } from './messages';
import { notifyIfAway } from './notifications';
import { applyPresence, applyTyping, endTyping } from './signals';

export const HISTORY_PAGE = 50;

type CacheDeps = { queryClient: QueryClient; trpc: TRPCOptionsProxy<AppRouter>; store: AppStore };

/** The cached history of one conversation, as the chat view pages it. */
const historyKeyOf = (trpc: TRPCOptionsProxy<AppRouter>, conversationId: string) =>
  trpc.messages.history.infiniteQueryKey({ conversationId, limit: HISTORY_PAGE });

/**
 * The server has this message (from the send's answer or from the event stream, whichever
 * comes first; both are idempotent): confirm the outbox entry, add it to the cached history
 * and move its conversation to the top of the list.
 */
export function applyStoredMessage({ queryClient, trpc, store }: CacheDeps, message: Message): void {
  store.dispatch(confirmed(message.clientId));
  const historyKey = historyKeyOf(trpc, message.conversationId);
  if (queryClient.getQueryData(historyKey)) {
    queryClient.setQueryData<HistoryPages>(historyKey, (data) => addToHistory(data, message));
  } else {
    // Loading right now, perhaps from before this message: fetch again rather than miss it.
    void queryClient.invalidateQueries({ queryKey: historyKey });
  }
  const listKey = trpc.conversations.list.queryKey();
  const list = queryClient.getQueryData<Conversation[]>(listKey);
  const known = list?.find((c) => c.id === message.conversationId);
  if (!list || !known) {
    void queryClient.invalidateQueries({ queryKey: listKey });
  } else if ((known.lastMessage?.id ?? 0) < message.id) {
    const fromOthers = message.senderId !== store.getState().session.userId;
    const updated = {
      ...known,
      lastMessage: message,
      updatedAt: message.createdAt,
      // Counted here at once; the read marker (when the conversation is open) sets it right.
      unreadCount: known.unreadCount + (fromOthers && message.id > (known.lastReadMessageId ?? 0) ? 1 : 0),
    };
    queryClient.setQueryData(listKey, [updated, ...list.filter((c) => c.id !== known.id)]);
  }
}

/** An edited, deleted or reacted-to message: replace the cached copies (history and list). */
export function applyUpdatedMessage({ queryClient, trpc }: Omit<CacheDeps, 'store'>, message: Message): void {
  const historyKey = historyKeyOf(trpc, message.conversationId);
  queryClient.setQueryData<HistoryPages>(historyKey, (data) => replaceInHistory(data, message));
  const listKey = trpc.conversations.list.queryKey();
  queryClient.setQueryData<Conversation[]>(listKey, (list) =>
    list?.map((c) => (c.lastMessage?.id === message.id ? { ...c, lastMessage: message } : c)),
  );
}

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
          queryKey: historyKeyOf(trpc, item.conversationId),
        });
        break;
      case 'group.updated':
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
        break;
      case 'group.removed':
        // Out of the group: it leaves the list, and an open view of it learns it is gone.
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
        void queryClient.invalidateQueries({
          queryKey: historyKeyOf(trpc, item.conversationId),
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
