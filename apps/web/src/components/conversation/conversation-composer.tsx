import type { Message } from '@pigeon/schema';
import { useEffect, useState } from 'react';
import { touchFirst } from '../../lib/focus-composer';
import type { AttachmentDrafts } from '../../lib/use-attachment-drafts';
import type { MessageActionsState } from '../../lib/use-message-actions';
import type { MessageSender } from '../../lib/use-send-message';
import { useTypingSignal } from '../../lib/use-typing-signal';
import { Composer } from '../composer';

/**
 * The composer as this conversation uses it: a new message, a reply (quoted above the box) or an
 * edit of one's own (its text in the box), each with a way out. It takes focus when the
 * conversation opens (not on a touch screen, where that would pop the keyboard unasked) and after
 * Reply or Edit. Typing a new message or a reply tells the others; editing an old one does not.
 */
export function ConversationComposer({
  conversationId,
  title,
  names,
  actions,
  sender,
  lastOwnMessage,
  attachments,
}: {
  conversationId: string;
  title: string;
  names: Record<string, string>;
  actions: MessageActionsState;
  sender: MessageSender;
  /** The newest of one's own messages still there to edit, for ↑ in the empty box. */
  lastOwnMessage: () => Message | undefined;
  /** The files chosen for the next message (an edit can't change a message's files). */
  attachments: AttachmentDrafts;
}) {
  const { editing, replyingTo } = actions;
  const typing = useTypingSignal(conversationId);
  const [focusOnOpen] = useState(() => !touchFirst());
  // Leaving for an edit, or leaving the conversation, ends any typing signal of the draft.
  useEffect(() => {
    if (editing) typing.stop();
  }, [editing, typing]);
  useEffect(() => typing.stop, [typing]);

  return (
    <Composer
      key={editing ? `edit-${editing.id}` : 'new'}
      label={`Message ${title}`}
      initialBody={editing?.body}
      // On opening, only where it pops no keyboard; once Reply or Edit has been chosen, the
      // composer's remounts (an edit starting or ending) happen while the person is at it.
      focusOnMount={focusOnOpen || actions.focusRequest > 0}
      focusRequest={actions.focusRequest}
      attachments={editing ? undefined : attachments}
      context={
        editing
          ? { label: 'Editing your message', onCancel: actions.cancel }
          : replyingTo
            ? {
                label: `Replying to ${names[replyingTo.senderId] ?? 'someone'}: ${replyingTo.body.slice(0, 80)}`,
                onCancel: actions.cancel,
              }
            : undefined
      }
      onTextChange={editing ? undefined : typing.changed}
      onEditLast={() => {
        const last = lastOwnMessage();
        if (last) actions.handlers.onEdit(last);
        return last !== undefined;
      }}
      onSend={(body) => {
        if (actions.finishEdit(body)) return;
        typing.sent();
        sender.send(body, replyingTo?.id, attachments.take());
        actions.cancel();
      }}
    />
  );
}
