import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { unreadLabel } from './conversation-labels';
import { useTRPC } from './trpc';

const BASE_TITLE = 'Pigeon';

/** "(3) Pigeon" in the tab while messages wait unread, so a background tab shows it too. */
export function useUnreadTitle(): void {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.conversations.list.queryOptions());
  // Muted conversations keep their own badge in the list but stay out of the tab title.
  const total = data?.reduce((sum, c) => sum + (c.muted ? 0 : c.unreadCount), 0) ?? 0;
  useEffect(() => {
    document.title = total > 0 ? `(${unreadLabel(total)}) ${BASE_TITLE}` : BASE_TITLE;
  }, [total]);
  useEffect(
    () => () => {
      document.title = BASE_TITLE;
    },
    [],
  );
}
