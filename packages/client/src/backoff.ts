/**
 * Exponential back-off with full jitter: after a server restart, clients come back spread
 * over the window instead of in the same millisecond.
 */
export function jitteredBackoff(attempt: number, baseMs = 250, maxMs = 15_000, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
