import type { Conversation, PublicUser } from '@pigeon/schema';
import { useMemo } from 'react';
import { useHistory } from '../../lib/use-history';
import { useMe } from '../../lib/me';
import { useMarkRead } from '../../lib/use-mark-read';
import { useMessageActions } from '../../lib/use-message-actions';
import { useSendMessage } from '../../lib/use-send-message';
import { conversationTitle } from '../../lib/conversation-labels';
import { TypingLine } from '../typing-line';
import { ConversationComposer } from './conversation-composer';
import { ConversationHeader } from './conversation-header';
import { MessagePane } from './message-pane';
import { QueuedNote } from './queued-note';
import { personName } from '../../lib/names';

const NO_MEMBERS: PublicUser[] = [];

/** One open conversation: its header, its messages, who is typing, and the composer. */
export function ConversationView({
  conversationId,
  conversation,
}: {
  conversationId: string;
  conversation: Conversation | undefined;
}) {
  const me = useMe();
  const members = conversation?.members ?? NO_MEMBERS;
  const history = useHistory(conversationId);
  useMarkRead(conversationId, conversation?.lastReadMessageId ?? 0);
  const actions = useMessageActions();
  const sender = useSendMessage(conversationId);
  // Names (display name, else username) by id, for reply quotes and a group's senders.
  const names = useMemo(
    () => Object.fromEntries([...members, ...(me ? [me] : [])].map((u) => [u.id, personName(u)])),
    [members, me],
  );

  // Pages are newest first, each newest first: the first of mine found is the last I wrote.
  const lastOwnMessage = () =>
    history.data?.pages
      .flatMap((page) => page.messages)
      .find((m) => m.senderId === me?.id && m.deletedAt === null);

  // A failed refetch keeps what was shown (offline, the server down); only nothing at all is an error.
  if (history.isError && !history.data) {
    const gone = history.error.data?.code === 'NOT_FOUND';
    return (
      <p role="alert" className="m-auto p-8 text-rose-700 dark:text-rose-400">
        {gone ? 'You are not in this conversation (any more).' : history.error.message}
      </p>
    );
  }
  return (
    <>
      <ConversationHeader conversationId={conversationId} conversation={conversation} />
      <MessagePane
        conversationId={conversationId}
        seenUpTo={conversation?.seenUpTo ?? null}
        showSenders={conversation?.kind === 'group'}
        onRetry={sender.retry}
        actions={actions.handlers}
        names={names}
      />
      <TypingLine conversationId={conversationId} members={members} />
      {actions.error && (
        <p role="alert" className="px-4 text-sm text-rose-700 dark:text-rose-400">
          {actions.error}
        </p>
      )}
      <QueuedNote />
      <ConversationComposer
        conversationId={conversationId}
        lastOwnMessage={lastOwnMessage}
        title={conversation ? conversationTitle(conversation) : ''}
        names={names}
        actions={actions}
        sender={sender}
      />
    </>
  );
}
