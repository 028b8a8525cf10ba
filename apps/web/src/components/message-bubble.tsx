import * as ContextMenu from '@radix-ui/react-context-menu';
import type { ChatRow } from '../lib/messages';
import { fullTime, shortTime } from '../lib/time';
import { MessageAttachments, PendingAttachments } from './attachments/message-attachments';
import { MessageActions, type MessageActionHandlers } from './message-actions';
import { MessageMenu } from './message-menu';
import { MessageText } from './message-text';
import { PendingMark } from './pending-mark';
import { ReactionChips } from './reaction-chips';

/**
 * One message as a bubble: mine on the right, others' on the left; its reply quote, state
 * (sending, failed with a retry, sent, edited, seen), actions and reactions.
 *
 * The message itself is focusable (the list moves focus between messages with the arrow keys)
 * and opens its menu on right-click, a touch long-press, the context-menu key, or, through the
 * list, Enter and a tap.
 */
export function MessageBubble({
  row,
  mine,
  seen,
  focused,
  onRetry,
  meId,
  actions,
  names,
  showSender,
  current,
}: {
  row: ChatRow;
  mine: boolean;
  seen: boolean;
  focused: boolean;
  onRetry: (clientId: string) => void;
  meId: string | undefined;
  actions: MessageActionHandlers;
  names: Record<string, string>;
  showSender: boolean;
  /** The list's current message: the one Tab reaches (roving tabindex). */
  current: boolean;
}) {
  const message = row.kind === 'message' ? row.message : undefined;
  const body = message ? message.body : row.kind === 'pending' ? row.pending.body : '';
  const createdAt = message ? message.createdAt : row.kind === 'pending' ? row.pending.createdAt : '';
  // A deleted message has nothing left to act on.
  const menu = message && !message.deletedAt ? message : undefined;
  return (
    // Not modal: a modal menu hides the page from assistive technology while its controls stay
    // focusable (axe's aria-hidden-focus); a menu closes on Escape and outside clicks anyway.
    <ContextMenu.Root modal={false}>
      <ContextMenu.Trigger asChild disabled={!menu}>
        <div
          className={`group relative flex flex-col py-1 outline-offset-[-2px] pointer-coarse:select-none ${mine ? 'items-end' : 'items-start'}`}
          data-testid="message"
          data-row
          role="article"
          tabIndex={current ? 0 : -1}
          data-state={row.kind === 'message' ? 'sent' : row.pending.status}
          data-focused={focused || undefined}
        >
          {menu && <MessageActions message={menu} mine={mine} meId={meId} handlers={actions} />}
          {showSender && !mine && message && (
            <p className="px-3 text-xs font-semibold text-slate-600 dark:text-slate-300" data-testid="sender">
              {names[message.senderId] ?? 'Former member'}
            </p>
          )}
          <div
            data-bubble
            // A right-click on a link keeps the browser's own menu (open in a new tab, copy the address).
            onContextMenu={(e) => {
              if (e.target instanceof Element && e.target.closest('a')) e.stopPropagation();
            }}
            className={`max-w-[80%] rounded-2xl px-3 py-2 ${focused ? 'ring-2 ring-amber-400' : ''} ${
              mine
                ? 'bg-indigo-600 text-white'
                : 'bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100'
            }`}
          >
            {message?.replyTo && (
              <blockquote
                className={`mb-1 border-l-2 pl-2 text-xs ${mine ? 'border-indigo-200 text-indigo-100' : 'border-slate-400 text-slate-600 dark:text-slate-300'}`}
                data-testid="reply-quote"
              >
                <span className="font-semibold">{names[message.replyTo.senderId] ?? 'Someone'}</span>{' '}
                {message.replyTo.deleted ? <em>deleted message</em> : message.replyTo.body}
              </blockquote>
            )}
            {message && !message.deletedAt && (
              <MessageAttachments attachments={message.attachments} tabbable={current} />
            )}
            {row.kind === 'pending' && <PendingAttachments attachments={row.pending.attachments ?? []} />}
            {message?.deletedAt ? (
              <p className="italic opacity-80" data-testid="message-body">
                This message was deleted.
              </p>
            ) : (
              // A message of files alone has no text to show.
              body.length > 0 && <MessageText body={body} className="break-words" />
            )}
            <p
              className={`mt-0.5 text-right text-[11px] ${mine ? 'text-indigo-100' : 'text-slate-600 dark:text-slate-300'}`}
            >
              {row.kind === 'pending' && row.pending.status !== 'failed' && (
                <PendingMark status={row.pending.status} />
              )}
              {row.kind === 'pending' && row.pending.status === 'failed' && (
                <>
                  Not sent.{' '}
                  <button
                    type="button"
                    className="font-semibold underline"
                    onClick={() => onRetry(row.pending.clientId)}
                  >
                    Retry
                  </button>
                </>
              )}
              {row.kind === 'message' && (
                <time dateTime={createdAt} title={fullTime(createdAt)}>
                  {shortTime(createdAt)}
                </time>
              )}
              {message?.editedAt && !message.deletedAt && <span data-testid="edited"> · edited</span>}
              {seen && <span data-testid="seen"> · Seen</span>}
            </p>
          </div>
          {message && !message.deletedAt && (
            <ReactionChips message={message} meId={meId} onReact={actions.onReact} tabbable={current} />
          )}
        </div>
      </ContextMenu.Trigger>
      {menu && <MessageMenu message={menu} mine={mine} meId={meId} handlers={actions} />}
    </ContextMenu.Root>
  );
}
