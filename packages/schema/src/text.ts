import { z } from 'zod';

/**
 * What PostgreSQL's `text` cannot hold: NUL (U+0000), and a UTF-16 surrogate without its partner
 * (it has no UTF-8 form). Sent to the database, either fails the statement; so every text field of
 * every input is checked here, before any service sees it. (No `u` flag: the pattern must see
 * code units, not code points.)
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- as above, every occurrence
const UNSTORABLE_ALL = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const UNSTORABLE_TEXT_MESSAGE =
  'This text contains a character that cannot be stored: a NUL (U+0000) or a broken Unicode character (an unpaired surrogate).';

/** True when PostgreSQL can store the text as it is. */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** The text without the characters PostgreSQL cannot store. */
export function withoutUnstorable(value: string): string {
  return value.replace(UNSTORABLE_ALL, '');
}

/**
 * A text input that refuses what PostgreSQL cannot store, with a readable BAD_REQUEST. Every
 * string field of every input starts here; `required` is the message when it is not a string.
 */
export function text(required?: string) {
  return (
    z
      .string(required === undefined ? undefined : { error: required })
      // `abort`: the length and pattern rules after it would only add noise to this message.
      .refine(isStorableText, { error: UNSTORABLE_TEXT_MESSAGE, abort: true })
  );
}

/**
 * A search query: the characters PostgreSQL cannot store are dropped rather than refused, since no
 * stored text contains them, so removing them changes no result (and typing one is no mistake).
 */
export function searchText(required?: string) {
  return z.string(required === undefined ? undefined : { error: required }).overwrite(withoutUnstorable);
}
