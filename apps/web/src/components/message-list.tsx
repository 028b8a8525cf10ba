import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ChatRow } from '../lib/messages';
import { useMessageNavigation } from '../lib/use-message-navigation';
import type { MessageActionHandlers } from './message-actions';
import { MessageBubble } from './message-bubble';

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
 *
 * Keyboard: the list is one tab stop (roving tabindex, on the newest message until one is
 * chosen); ↑/↓, Page Up/Down, Home/End move between messages; Enter or the context-menu key
 * opens the focused message's menu. Touch: a tap on a message opens its menu (a long-press too).
 * Scrolled up, new messages from others do not pull the view down: a "↓ N new" button does.
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

  // Messages from others that arrived below since the reader scrolled up: the "↓ N new" button.
  const [unseen, setUnseen] = useState(0);

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
    } else if (rows.length > before.count && firstKey === before.firstKey) {
      // New messages below while the reader is further up: left where they are, and counted.
      const arrived = rows
        .slice(before.count)
        .filter((r) => r.kind === 'message' && r.message.senderId !== meId).length;
      if (arrived > 0) setUnseen((n) => n + arrived);
    } else if (firstKey !== before.firstKey && before.firstKey !== undefined) {
      // Older messages arrived above: keep the previously first row in place.
      const index = rows.findIndex((r) => r.key === before.firstKey);
      if (index > 0) virtualizer.scrollToIndex(index, { align: 'start' });
    }
    previous.current = { firstKey, count: rows.length, atBottom: previous.current.atBottom };
  }, [rows, meId, virtualizer]);

  const navigation = useMessageNavigation(rows, virtualizer, scroller);
  const { choose } = navigation;

  const focused = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (focusMessageId === undefined || focused.current === focusMessageId) return;
    const index = rows.findIndex((r) => r.kind === 'message' && r.message.id === focusMessageId);
    if (index >= 0) {
      focused.current = focusMessageId;
      choose(rows[index]?.key);
      virtualizer.scrollToIndex(index, { align: 'center' });
    } else if (hasOlder && !loadingOlder) {
      onLoadOlder();
    }
  }, [focusMessageId, rows, hasOlder, loadingOlder, onLoadOlder, virtualizer, choose]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      previous.current.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
      if (previous.current.atBottom) setUnseen(0);
      if (el.scrollTop < LOAD_OLDER_PX && hasOlder && !loadingOlder) onLoadOlder();
    };
    onScroll();
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, [hasOlder, loadingOlder, onLoadOlder]);

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        className="min-h-0 flex-1 overflow-y-auto px-3"
        role="log"
        aria-label="Messages"
        aria-live="polite"
        onKeyDown={navigation.onKeyDown}
        onClick={navigation.onClick}
        onFocus={navigation.onFocus}
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
                  current={row.key === navigation.currentKey}
                />
              </div>
            );
          })}
        </div>
      </div>
      {unseen > 0 && (
        <button
          type="button"
          className="absolute right-4 bottom-3 z-10 min-h-8 rounded-full bg-indigo-600 px-3 text-sm font-medium text-white shadow-lg hover:bg-indigo-700 pointer-coarse:min-h-11"
          onClick={() => {
            setUnseen(0);
            virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
          }}
        >
          <span aria-hidden>↓ </span>
          {unseen} new
          <span className="sr-only"> {unseen === 1 ? 'message' : 'messages'}: go to the newest</span>
        </button>
      )}
    </div>
  );
}
