import type { Virtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useState,
  type FocusEvent,
  type KeyboardEvent,
  type MouseEvent,
  type RefObject,
} from 'react';
import type { ChatRow } from './messages';
import { openMessageMenu } from './open-message-menu';

/** How far Page Up / Page Down move the focus, in messages. */
const PAGE_ROWS = 10;

/** The list index of a message element (its virtual row wrapper carries `data-index`). */
const indexOf = (row: Element) => Number(row.parentElement?.dataset.index);

/**
 * Moving through a virtualized message list without a mouse. The list is one tab stop (roving
 * tabindex): the message last focused, or the newest. ↑/↓, Page Up/Down and Home/End move focus
 * between messages (scrolling the one wanted into the DOM first); Enter, the context-menu key or
 * Shift+F10 open the focused message's menu; on a touch screen a tap on a message opens it.
 * The handlers go on the list's scroller; messages are the elements marked `data-row`.
 */
export function useMessageNavigation(
  rows: ChatRow[],
  virtualizer: Virtualizer<HTMLDivElement, Element>,
  scroller: RefObject<HTMLDivElement | null>,
) {
  // The message that holds the list's tab stop, by key; the newest one until focus picks another.
  const [chosenKey, setChosenKey] = useState<string | undefined>(undefined);
  const currentKey =
    chosenKey !== undefined && rows.some((r) => r.key === chosenKey) ? chosenKey : rows.at(-1)?.key;

  const focusRow = useCallback(
    (index: number) => {
      const row = rows[Math.max(0, Math.min(index, rows.length - 1))];
      if (!row) return;
      const target = rows.indexOf(row);
      setChosenKey(row.key);
      virtualizer.scrollToIndex(target, { align: 'auto' });
      // The row may only be rendered once the virtualizer has scrolled to it: try for a few frames.
      let tries = 0;
      const attempt = () => {
        const el = scroller.current?.querySelector<HTMLElement>(`[data-index="${target}"] > [data-row]`);
        if (el) el.focus();
        else if (++tries < 10) requestAnimationFrame(attempt);
      };
      requestAnimationFrame(attempt);
    },
    [rows, virtualizer, scroller],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = e.target as HTMLElement;
    // Only keys pressed on a message itself: not in its buttons, links, or open menu.
    if (!row.hasAttribute('data-row')) return;
    const index = indexOf(row);
    const moves: Record<string, number> = {
      ArrowUp: index - 1,
      ArrowDown: index + 1,
      PageUp: index - PAGE_ROWS,
      PageDown: index + PAGE_ROWS,
      Home: 0,
      End: rows.length - 1,
    };
    const to = moves[e.key];
    if (to !== undefined) {
      e.preventDefault();
      focusRow(to);
    } else if (e.key === 'Enter' || e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
      e.preventDefault();
      openMessageMenu(row);
    }
  };

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    // A tap (not a mouse click, which has the toolbar) on a message, outside its own controls.
    if (!(e.nativeEvent instanceof PointerEvent) || e.nativeEvent.pointerType !== 'touch') return;
    const target = e.target as HTMLElement;
    if (target.closest('a, button, [role="menu"]')) return;
    const row = target.closest<HTMLElement>('[data-row]');
    if (row) openMessageMenu(row, { x: e.clientX, y: e.clientY });
  };

  return {
    currentKey,
    /** Makes this message the list's tab stop (a search result opened at it). */
    choose: setChosenKey,
    onKeyDown,
    onClick,
    onFocus: (e: FocusEvent<HTMLDivElement>) => {
      if (e.target.hasAttribute('data-row')) setChosenKey(rows[indexOf(e.target)]?.key);
    },
  };
}
