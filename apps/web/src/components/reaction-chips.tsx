import type { Message } from '@pigeon/schema';
import type { MessageActionHandlers } from './message-actions';

/**
 * The reactions under a message: each emoji with its count; yours is highlighted and toggles.
 * At least 24×24 px (axe's target size), 44×44 on a touch screen. Only the list's current
 * message has them in the tab order, so Tab does not walk every chip of the conversation.
 */
export function ReactionChips({
  message,
  meId,
  onReact,
  tabbable,
}: {
  message: Message;
  meId: string | undefined;
  onReact: MessageActionHandlers['onReact'];
  tabbable: boolean;
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
            tabIndex={tabbable ? 0 : -1}
            aria-pressed={mine}
            aria-label={`${emoji} ${userIds.length}${mine ? ', including you' : ''}`}
            onClick={() => onReact(message, emoji, !mine)}
            className={`inline-flex min-h-6 min-w-6 items-center justify-center rounded-full border px-1.5 text-xs pointer-coarse:min-h-11 pointer-coarse:min-w-11 ${
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
