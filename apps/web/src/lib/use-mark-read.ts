import { useMutation } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { useHistory } from './use-history';
import { useMyId } from './me';
import { useTRPC } from './trpc';

/** Reads up to the newest message from someone else, whenever this tab is actually seen. */
export function useMarkRead(conversationId: string, lastReadMessageId: number): void {
  const trpc = useTRPC();
  const myId = useMyId();
  const history = useHistory(conversationId);
  const { mutate: markRead } = useMutation(trpc.conversations.markRead.mutationOptions());
  const newestFromOthers = useMemo(
    () =>
      history.data?.pages
        .flatMap((page) => page.messages)
        .reduce((max, m) => (m.senderId !== myId && m.id > max ? m.id : max), 0) ?? 0,
    [history.data, myId],
  );
  const marked = useRef(0);
  useEffect(() => {
    const read = () => {
      if (document.visibilityState !== 'visible') return;
      if (newestFromOthers <= Math.max(lastReadMessageId, marked.current)) return;
      marked.current = newestFromOthers;
      markRead({ conversationId, messageId: newestFromOthers });
    };
    read();
    document.addEventListener('visibilitychange', read);
    return () => document.removeEventListener('visibilitychange', read);
  }, [conversationId, newestFromOthers, lastReadMessageId, markRead]);
}
