import type { Conversation, PublicUser } from '@pigeon/schema';
import { useMemo, useState, type DragEvent } from 'react';
import { ImageViewerContext } from '../../lib/image-viewer-context';
import { useAttachmentDrafts } from '../../lib/use-attachment-drafts';
import { ImageViewer } from '../attachments/image-viewer';
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

/** Whether a drag carries files (not text or a link dragged from the page). */
const carriesFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');

/**
 * One open conversation: its header, its messages, who is typing, and the composer. Files
 * dropped anywhere on it are attached to the next message; its images open in one viewer.
 */
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
  const attachments = useAttachmentDrafts();
  const [dragging, setDragging] = useState(false);
  const [viewing, setViewing] = useState<string | null>(null);
  // The viewer moves through the conversation's images in the order they were sent.
  const images = useMemo(
    () =>
      (history.data?.pages ?? [])
        .flatMap((page) => page.messages)
        .filter((m) => m.deletedAt === null)
        .sort((a, b) => a.id - b.id)
        .flatMap((m) => m.attachments.filter((a) => a.kind === 'image')),
    [history.data],
  );
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
    <div
      className={`flex min-h-0 flex-1 flex-col ${dragging ? 'outline-2 -outline-offset-4 outline-indigo-500 outline-dashed' : ''}`}
      onDragEnter={(e) => carriesFiles(e) && setDragging(true)}
      onDragOver={(e) => {
        if (!carriesFiles(e)) return;
        // Accepting the drop (the default is to refuse it).
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        setDragging(false);
        if (!carriesFiles(e)) return;
        e.preventDefault();
        attachments.add([...e.dataTransfer.files]);
      }}
    >
      <ImageViewerContext value={setViewing}>
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
          attachments={attachments}
        />
      </ImageViewerContext>
      <ImageViewer images={images} openId={viewing} onOpenChange={setViewing} />
    </div>
  );
}
