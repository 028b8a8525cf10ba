import type { AppRouter } from '@pigeon/client';
import type { TRPCOptionsProxy } from '@trpc/tanstack-react-query';

/** How many messages one page of a conversation's history holds. */
export const HISTORY_PAGE = 50;

/** The cached history of one conversation, as its view pages it. */
export function historyKey(trpc: TRPCOptionsProxy<AppRouter>, conversationId: string) {
  return trpc.messages.history.infiniteQueryKey({ conversationId, limit: HISTORY_PAGE });
}
