import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { ChatRow } from '../lib/messages';
import { fullTime, shortTime } from '../lib/time';
import { MessageActions, ReactionChips, type MessageActionHandlers } from './message-actions';
import { MessageText } from './message-text';

const NEAR_BOTTOM_PX = 120;
const LOAD_OLDER_PX = 300;

interface Props {
  rows: ChatRow[];
  meId: string | undefined;
  /** Everyone else has read up to this message id; null when receipts are not shared. */
  seenUpTo?: number | null;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  onRetry: (clientId: string) => void;
  actions: MessageActionHandlers;
  /** Usernames by id, for reply quotes (and senders, in groups). */
  names: Record<string, string>;
  /** Groups: name the sender above each message from someone else. */
  showSenders?: boolean;
  /** Scroll to this message (loading older pages until it is there) and mark it. */
  focusMessageId?: number | undefined;
}

/**
 * The messages of one conversation, virtualized: only the rows in view are in the DOM, so a
 * conversation of thousands of messages scrolls as smoothly as a short one. Loading older
 * history keeps the row you were reading where it was.
 */
export function MessageList({
  rows,
  meId,
  seenUpTo = null,
  hasOlder,
  loadingOlder,
  onLoadOlder,
  onRetry,
  actions,
  names,
  showSenders = false,
  focusMessageId,
}: Props) {
  // "Seen" goes under the newest of my messages that the others have read.
  const seenId = useMemo(() => {
    if (seenUpTo === null) return undefined;
    let id: number | undefined;
    for (const row of rows) {
      if (row.kind === 'message' && row.message.senderId === meId && row.message.id <= seenUpTo)
        id = row.message.id;
    }
    return id;
  }, [rows, meId, seenUpTo]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 64,
    getItemKey: (index) => rows[index]?.key ?? index,
    overscan: 10,
  });

  // Where we were, to restore after rows are added above or below.
  const previous = useRef<{ firstKey: string | undefined; count: number; atBottom: boolean }>({
    firstKey: undefined,
    count: 0,
    atBottom: true,
  });

  useLayoutEffect(() => {
    const before = previous.current;
    const firstKey = rows[0]?.key;
    const last = rows.at(-1);
    const mineJustSent =
      last?.kind === 'pending' || (last?.kind === 'message' && last.message.senderId === meId);
    if (
      before.count === 0 ||
      (rows.length > before.count && firstKey === before.firstKey && (before.atBottom || mineJustSent))
    ) {
      if (rows.length > 0) virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    } else if (firstKey !== before.firstKey && before.firstKey !== undefined) {
      // Older messages arrived above: keep the previously first row in place.
      const index = rows.findIndex((r) => r.key === before.firstKey);
      if (index > 0) virtualizer.scrollToIndex(index, { align: 'start' });
    }
    previous.current = { firstKey, count: rows.length, atBottom: previous.current.atBottom };
  }, [rows, meId, virtualizer]);

  const focused = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (focusMessageId === undefined || focused.current === focusMessageId) return;
    const index = rows.findIndex((r) => r.kind === 'message' && r.message.id === focusMessageId);
    if (index >= 0) {
      focused.current = focusMessageId;
      virtualizer.scrollToIndex(index, { align: 'center' });
    } else if (hasOlder && !loadingOlder) {
      onLoadOlder();
    }
  }, [focusMessageId, rows, hasOlder, loadingOlder, onLoadOlder, virtualizer]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      previous.current.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
      if (el.scrollTop < LOAD_OLDER_PX && hasOlder && !loadingOlder) onLoadOlder();
    };
    onScroll();
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, [hasOlder, loadingOlder, onLoadOlder]);

  return (
    <div
      ref={scroller}
      className="min-h-0 flex-1 overflow-y-auto px-3"
      role="log"
      aria-label="Messages"
      aria-live="polite"
    >
      {loadingOlder && <p className="py-2 text-center text-xs text-slate-500">Loading older messages…</p>}
      {!hasOlder && rows.length > 0 && (
        <p className="py-2 text-center text-xs text-slate-500 dark:text-slate-400">
          Start of the conversation
        </p>
      )}
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                transform: `translateY(${item.start}px)`,
              }}
            >
              <MessageBubble
                row={row}
                mine={row.kind === 'pending' || row.message.senderId === meId}
                seen={row.kind === 'message' && row.message.id === seenId}
                focused={row.kind === 'message' && row.message.id === focusMessageId}
                onRetry={onRetry}
                meId={meId}
                actions={actions}
                names={names}
                showSender={showSenders}
              />
            </div>
          );
        })}
      </div>
    </div>
  );
}

function MessageBubble({
  row,
  mine,
  seen,
  focused,
  onRetry,
  meId,
  actions,
  names,
  showSender,
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
}) {
  const message = row.kind === 'message' ? row.message : undefined;
  const body = message ? message.body : row.kind === 'pending' ? row.pending.body : '';
  const createdAt = message ? message.createdAt : row.kind === 'pending' ? row.pending.createdAt : '';
  return (
    <div
      className={`group flex flex-col py-1 ${mine ? 'items-end' : 'items-start'}`}
      data-testid="message"
      data-state={row.kind === 'message' ? 'sent' : row.pending.status}
      data-focused={focused || undefined}
    >
      {message && (
        // Shown on hover and on keyboard focus within the message, so it is reachable without a mouse.
        <div className="hidden group-focus-within:block group-hover:block">
          <MessageActions message={message} mine={mine} meId={meId} handlers={actions} />
        </div>
      )}
      {showSender && !mine && message && (
        <p className="px-3 text-xs font-semibold text-slate-600 dark:text-slate-300" data-testid="sender">
          {names[message.senderId] ?? 'Former member'}
        </p>
      )}
      <div
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
        {message?.deletedAt ? (
          <p className="italic opacity-80" data-testid="message-body">
            This message was deleted.
          </p>
        ) : (
          <MessageText body={body} className="break-words" />
        )}
        <p
          className={`mt-0.5 text-right text-[11px] ${mine ? 'text-indigo-100' : 'text-slate-600 dark:text-slate-300'}`}
        >
          {row.kind === 'pending' && row.pending.status === 'sending' && 'Sending…'}
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
        <ReactionChips message={message} meId={meId} onReact={actions.onReact} />
      )}
    </div>
  );
}
