import { useInfiniteQuery } from '@tanstack/react-query';
import { HISTORY_PAGE } from './history';
import { useTRPC } from './trpc';

/** One conversation's history, newest page first, as every part of its view reads it. */
export function useHistory(conversationId: string) {
  const trpc = useTRPC();
  return useInfiniteQuery(
    trpc.messages.history.infiniteQueryOptions(
      { conversationId, limit: HISTORY_PAGE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
}
