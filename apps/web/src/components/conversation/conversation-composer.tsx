import type { MessageActionsState } from '../../lib/use-message-actions';
import type { MessageSender } from '../../lib/use-send-message';
import { Composer } from '../composer';

/**
 * The composer as this conversation uses it: a new message, a reply (quoted above the box) or an
 * edit of one's own (its text in the box), each with a way out.
 */
export function ConversationComposer({
  title,
  names,
  actions,
  sender,
}: {
  title: string;
  names: Record<string, string>;
  actions: MessageActionsState;
  sender: MessageSender;
}) {
  const { editing, replyingTo } = actions;
  return (
    <Composer
      key={editing ? `edit-${editing.id}` : 'new'}
      label={`Message ${title}`}
      initialBody={editing?.body}
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
      onTyping={sender.signalTyping}
      onSend={(body) => {
        if (actions.finishEdit(body)) return;
        sender.send(body, replyingTo?.id);
        actions.cancel();
      }}
    />
  );
}
