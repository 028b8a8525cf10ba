import { REACTIONS, type Message } from '@pigeon/schema';

export interface MessageActionHandlers {
  onReply: (message: Message) => void;
  onEdit: (message: Message) => void;
  onDelete: (message: Message) => void;
  /** Turns the viewer's reaction on or off. */
  onReact: (message: Message, emoji: Message['reactions'][number]['emoji'], on: boolean) => void;
}

const buttonClass =
  'rounded px-1.5 py-0.5 text-xs text-slate-700 hover:bg-slate-200 focus-visible:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-700';

/** What one can do with a stored message: react, reply, and for one's own, edit and delete. */
export function MessageActions({
  message,
  mine,
  meId,
  handlers,
}: {
  message: Message;
  mine: boolean;
  meId: string | undefined;
  handlers: MessageActionHandlers;
}) {
  if (message.deletedAt) return null;
  const reacted = (emoji: string) =>
    message.reactions.some((r) => r.emoji === emoji && meId !== undefined && r.userIds.includes(meId));
  return (
    <div
      role="toolbar"
      aria-label="Message actions"
      className="flex flex-wrap items-center gap-0.5 rounded-md bg-white/90 p-0.5 shadow-sm dark:bg-slate-900/90"
    >
      {REACTIONS.map((emoji) => (
        <button
          key={emoji}
          type="button"
          className={buttonClass}
          aria-pressed={reacted(emoji)}
          aria-label={`React ${emoji}`}
          onClick={() => handlers.onReact(message, emoji, !reacted(emoji))}
        >
          {emoji}
        </button>
      ))}
      <button type="button" className={buttonClass} onClick={() => handlers.onReply(message)}>
        Reply
      </button>
      {mine && (
        <>
          <button type="button" className={buttonClass} onClick={() => handlers.onEdit(message)}>
            Edit
          </button>
          <button type="button" className={buttonClass} onClick={() => handlers.onDelete(message)}>
            Delete
          </button>
        </>
      )}
    </div>
  );
}

/** The reactions under a message: each emoji with its count; yours is highlighted and toggles. */
export function ReactionChips({
  message,
  meId,
  onReact,
}: {
  message: Message;
  meId: string | undefined;
  onReact: MessageActionHandlers['onReact'];
}) {
  if (message.reactions.length === 0) return null;
  return (
    <div className="mt-1 flex flex-wrap gap-1" data-testid="reactions">
      {message.reactions.map(({ emoji, userIds }) => {
        const mine = meId !== undefined && userIds.includes(meId);
        return (
          <button
            key={emoji}
            type="button"
            aria-pressed={mine}
            aria-label={`${emoji} ${userIds.length}${mine ? ', including you' : ''}`}
            onClick={() => onReact(message, emoji, !mine)}
            className={`rounded-full border px-1.5 text-xs ${
              mine
                ? 'border-indigo-400 bg-indigo-50 text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100'
                : 'border-slate-300 bg-white text-slate-800 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100'
            }`}
          >
            {emoji} {userIds.length}
          </button>
        );
      })}
    </div>
  );
}
