/**
 * Turns what a person types into a PostgreSQL tsquery that matches as they type: every word is
 * a prefix ("hik" finds "hiking"), words must all appear, `"two words"` must appear together in
 * that order, `-word` must not appear, and `or` between two terms accepts either. Only letters and
 * digits reach the tsquery text, so no input can break its syntax. Null when nothing searchable
 * is left (only punctuation, or only exclusions).
 */
export function prefixTsQuery(input: string): string | null {
  const clauses: string[] = [];
  let positives = 0;
  let pendingOr = false;
  const tokens = input.matchAll(/(-?)"([^"]*)"?|(-?)([^\s"]+)/g);
  for (const [, phraseNot, phrase, wordNot, word] of tokens) {
    const negated = (phraseNot ?? wordNot) === '-';
    const text = phrase ?? word ?? '';
    if (!negated && phrase === undefined && text.toLowerCase() === 'or') {
      pendingOr = clauses.length > 0;
      continue;
    }
    const words = [...text.matchAll(/[\p{L}\p{N}]+/gu)].map(([w]) => `${w.toLowerCase()}:*`);
    if (words.length === 0) continue;
    const term = words.length === 1 ? (words[0] as string) : `(${words.join(' <-> ')})`;
    if (negated) {
      clauses.push(`!${term}`);
    } else if (pendingOr && clauses.length > 0) {
      clauses.push(`(${clauses.pop() as string} | ${term})`);
      positives++;
    } else {
      clauses.push(term);
      positives++;
    }
    pendingOr = false;
  }
  return positives === 0 ? null : clauses.join(' & ');
}
