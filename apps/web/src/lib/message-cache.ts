import type { AppRouter } from '@pigeon/client';
import type { Conversation, Message } from '@pigeon/schema';
import type { QueryClient } from '@tanstack/react-query';
import type { TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { AppStore } from '../store';
import { confirmed } from '../store/outbox';
import { historyKey } from './history';
import { addToHistory, replaceInHistory, type HistoryPages } from './messages';

type CacheDeps = { queryClient: QueryClient; trpc: TRPCOptionsProxy<AppRouter>; store: AppStore };

/**
 * The server has this message (from the send's answer or from the event stream, whichever
 * comes first; both are idempotent): confirm the outbox entry, add it to the cached history
 * and move its conversation to the top of the list.
 */
export function applyStoredMessage({ queryClient, trpc, store }: CacheDeps, message: Message): void {
  store.dispatch(confirmed(message.clientId));
  const key = historyKey(trpc, message.conversationId);
  if (queryClient.getQueryData(key)) {
    queryClient.setQueryData<HistoryPages>(key, (data) => addToHistory(data, message));
  } else {
    // Loading right now, perhaps from before this message: fetch again rather than miss it.
    void queryClient.invalidateQueries({ queryKey: key });
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
  const key = historyKey(trpc, message.conversationId);
  queryClient.setQueryData<HistoryPages>(key, (data) => replaceInHistory(data, message));
  const listKey = trpc.conversations.list.queryKey();
  queryClient.setQueryData<Conversation[]>(listKey, (list) =>
    list?.map((c) => (c.lastMessage?.id === message.id ? { ...c, lastMessage: message } : c)),
  );
}
