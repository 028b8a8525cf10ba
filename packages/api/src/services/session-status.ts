import { sessions, type Database } from '@pigeon/db';
import { and, eq, gt, isNull } from 'drizzle-orm';

/**
 * Whether a login session is still live, asked on every request (access tokens outlive a
 * revocation otherwise). Answers are kept a few seconds, and forgotten at once when this
 * instance hears of a revocation, so an ended session stops working everywhere within seconds.
 */
export interface SessionStatus {
  isLive(sessionId: string): Promise<boolean>;
  forget(sessionIds: readonly string[]): void;
}

export function createSessionStatus(db: Database, ttlMs = 5_000, maxEntries = 20_000): SessionStatus {
  const known = new Map<string, { live: boolean; until: number }>();
  return {
    async isLive(sessionId) {
      const cached = known.get(sessionId);
      if (cached && cached.until > Date.now()) return cached.live;
      const [row] = await db
        .select({ id: sessions.id })
        .from(sessions)
        .where(
          and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())),
        );
      const live = row !== undefined;
      if (known.size >= maxEntries) known.clear();
      known.set(sessionId, { live, until: Date.now() + ttlMs });
      return live;
    },
    forget(sessionIds) {
      for (const id of sessionIds) known.delete(id);
    },
  };
}
