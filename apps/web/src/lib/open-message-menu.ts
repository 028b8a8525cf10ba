/**
 * Opens a message's menu: the message (the element marked `data-row`) listens for
 * `contextmenu`, as right-click and a touch long-press give; this gives the same for Enter on a
 * focused message, a tap, or the toolbar's "⋯" button. The menu opens at `at` (a point, or under
 * an element), by default under the message's bubble (marked `data-bubble`).
 */
export function openMessageMenu(row: HTMLElement, at?: Element | { x: number; y: number }): void {
  let point: { x: number; y: number };
  if (at && !(at instanceof Element)) {
    point = at;
  } else {
    const rect = (at ?? row.querySelector('[data-bubble]') ?? row).getBoundingClientRect();
    point = { x: rect.left + Math.min(16, rect.width / 2), y: rect.bottom };
  }
  row.dispatchEvent(
    new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: point.x, clientY: point.y }),
  );
}
