import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useHistory } from '../../lib/use-history';
import { useMyId } from '../../lib/me';
import { chatRows } from '../../lib/messages';
import { useAppSelector } from '../../store';
import { pendingIn } from '../../store/outbox';
import type { MessageActionHandlers } from '../message-actions';
import { MessageList } from '../message-list';
import { Spinner } from '../spinner';

/** The message id a search result opened this conversation at (`?message=`), if any. */
function useFocusedMessageId(): number | undefined {
  const [searchParams] = useSearchParams();
  const id = Number(searchParams.get('message'));
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** The conversation's messages: its stored history, then what is still on its way from here. */
export function MessagePane({
  conversationId,
  seenUpTo,
  showSenders,
  onRetry,
  actions,
  names,
}: {
  conversationId: string;
  seenUpTo: number | null;
  showSenders: boolean;
  onRetry: (clientId: string) => void;
  actions: MessageActionHandlers;
  names: Record<string, string>;
}) {
  const myId = useMyId();
  const history = useHistory(conversationId);
  const outbox = useAppSelector((s) => s.outbox);
  const pending = useMemo(() => pendingIn(outbox, conversationId), [outbox, conversationId]);
  const rows = useMemo(() => chatRows(history.data, pending), [history.data, pending]);
  const focusMessageId = useFocusedMessageId();
  const { fetchNextPage, hasNextPage, isFetchingNextPage } = history;
  const loadOlder = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  if (history.isPending) return <Spinner label="Loading messages" />;
  return (
    <MessageList
      rows={rows}
      meId={myId}
      seenUpTo={seenUpTo}
      hasOlder={hasNextPage}
      loadingOlder={isFetchingNextPage}
      onLoadOlder={loadOlder}
      onRetry={onRetry}
      actions={actions}
      names={names}
      showSenders={showSenders}
      focusMessageId={focusMessageId}
    />
  );
}
