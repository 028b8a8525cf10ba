import { useCallback, useRef } from 'react';

/**
 * Gives focus back to where it was when a menu opened (a message, or its "⋯" button) the moment
 * the menu closes by Escape or a chosen item.
 *
 * Radix's own restore runs in a `setTimeout` after the menu has unmounted. Until then focus is on
 * `<body>`, so a key pressed at once (Enter to reopen the menu, ↑ to move on) is lost; and when
 * it does run, it moves focus out of any menu opened in between, which closes that menu. Focusing
 * synchronously, while the menu is still there, leaves no such window.
 */
export function useFocusBack() {
  const returnTo = useRef<HTMLElement | null>(null);
  const giveFocusBack = () => {
    const target = returnTo.current;
    returnTo.current = null;
    if (target?.isConnected) target.focus({ preventScroll: true });
  };
  return {
    /**
     * The menu's ref: when it mounts (before it takes focus, which happens in an effect) it notes
     * where focus is. Stable, so that React calls it only on mount and unmount.
     */
    rememberFocus: useCallback((menu: HTMLElement | null) => {
      const active = document.activeElement;
      // Called again while open (a ref re-attached), focus is already in the menu: keep the note.
      if (!menu || menu.contains(active)) return;
      returnTo.current = active instanceof HTMLElement && active !== document.body ? active : null;
    }, []),
    /** Escape or an item chosen: focus goes back now. */
    giveFocusBack,
    /** The person clicked or moved focus elsewhere: focus stays where they put it. */
    keepFocusElsewhere: () => {
      returnTo.current = null;
    },
    /**
     * Closed some other way (the window lost focus): back only if nothing holds focus. (This
     * also runs late for a menu closed by Escape, when a new one may be open: that one keeps it.)
     */
    giveFocusBackIfLost: () => {
      if (document.activeElement === null || document.activeElement === document.body) giveFocusBack();
    },
  };
}
