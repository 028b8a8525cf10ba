/** The conversation's message box (one per screen: the composer's textarea has this id). */
export const COMPOSER_ID = 'composer';

/**
 * Puts focus in the composer with the caret after its text, where the person goes on typing
 * (after choosing Reply or Edit, or opening a conversation on a keyboard device).
 */
export function focusComposer(): void {
  const box = document.getElementById(COMPOSER_ID);
  if (!(box instanceof HTMLTextAreaElement)) return;
  box.focus();
  const end = box.value.length;
  box.setSelectionRange(end, end);
}

/** A touch screen as its main pointer: focusing a text box there pops the on-screen keyboard. */
export const touchFirst = (): boolean => window.matchMedia('(pointer: coarse)').matches;
