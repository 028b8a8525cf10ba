import { REACTIONS, type Message } from '@pigeon/schema';
import { openMessageMenu } from '../lib/open-message-menu';

export interface MessageActionHandlers {
  onReply: (message: Message) => void;
  onEdit: (message: Message) => void;
  onDelete: (message: Message) => void;
  /** Turns the viewer's reaction on or off. */
  onReact: (message: Message, emoji: Message['reactions'][number]['emoji'], on: boolean) => void;
}

/** Whether the viewer has reacted to the message with this emoji. */
export const reactedWith = (message: Message, meId: string | undefined, emoji: string) =>
  meId !== undefined && message.reactions.some((r) => r.emoji === emoji && r.userIds.includes(meId));

const buttonClass =
  'inline-flex min-h-6 min-w-6 items-center justify-center rounded px-1.5 text-xs text-slate-700 hover:bg-slate-200 dark:text-slate-200 dark:hover:bg-slate-700';

/**
 * The mouse's shortcut to a message's actions: shown while the pointer is over the message and
 * floating above it (absolutely placed, so the list never moves). Its buttons are out of the tab
 * order: keyboard and touch reach the same actions, and more, through the message's menu.
 */
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
  return (
    <div
      role="toolbar"
      aria-label="Message actions"
      className={`invisible absolute -top-3 z-10 flex items-center gap-0.5 rounded-md border border-slate-200 bg-white p-0.5 shadow-sm group-hover:visible dark:border-slate-700 dark:bg-slate-900 ${
        mine ? 'right-2' : 'left-2'
      }`}
    >
      {REACTIONS.map((emoji) => {
        const on = reactedWith(message, meId, emoji);
        return (
          <button
            key={emoji}
            type="button"
            tabIndex={-1}
            className={buttonClass}
            aria-pressed={on}
            aria-label={`React ${emoji}`}
            onClick={() => handlers.onReact(message, emoji, !on)}
          >
            {emoji}
          </button>
        );
      })}
      <button type="button" tabIndex={-1} className={buttonClass} onClick={() => handlers.onReply(message)}>
        Reply
      </button>
      {mine && (
        <>
          <button
            type="button"
            tabIndex={-1}
            className={buttonClass}
            onClick={() => handlers.onEdit(message)}
          >
            Edit
          </button>
          <button
            type="button"
            tabIndex={-1}
            className={buttonClass}
            onClick={() => handlers.onDelete(message)}
          >
            Delete
          </button>
        </>
      )}
      <button
        type="button"
        tabIndex={-1}
        className={buttonClass}
        aria-label="More actions"
        onClick={(e) => {
          const row = e.currentTarget.closest<HTMLElement>('[data-row]');
          if (row) openMessageMenu(row, e.currentTarget);
        }}
      >
        ⋯
      </button>
    </div>
  );
}
