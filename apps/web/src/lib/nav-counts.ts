import { useQuery } from '@tanstack/react-query';
import { useTRPC } from './trpc';

/**
 * What the navigation counts: chats with unread messages (muted ones stay quiet, as in the tab
 * title) and friend requests waiting for an answer. Both are query-cache entries the event stream
 * keeps current (`lib/events.ts`), so the badges follow every message, read marker and request.
 */
export function useNavCounts(): { unreadChats: number; incomingRequests: number } {
  const trpc = useTRPC();
  const conversations = useQuery(trpc.conversations.list.queryOptions());
  const requests = useQuery(trpc.friends.requests.queryOptions());
  return {
    unreadChats: conversations.data?.filter((c) => c.unreadCount > 0 && !c.muted).length ?? 0,
    incomingRequests: requests.data?.incoming.length ?? 0,
  };
}
