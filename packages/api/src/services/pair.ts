/** One key for a pair of users, whichever of them acts: the two ids in order. */
export function pairKey(a: string, b: string): string {
  return [a, b].sort().join(':');
}
