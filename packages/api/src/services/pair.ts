import { sql } from 'drizzle-orm';
import type { Tx } from '../core/types';

/** One key for a pair of users, whichever of them acts: the two ids in order. */
export function pairKey(a: string, b: string): string {
  return [a, b].sort().join(':');
}

/** Serialises every change between one pair of users (the same lock friend requests take). */
export async function lockPair(tx: Tx, a: string, b: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${pairKey(a, b)}, 0))`);
}
