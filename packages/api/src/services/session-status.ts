import { apiTokens, sessions, users, type Database } from '@pigeon/db';
import { limits } from '@pigeon/schema';
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Viewer } from '../core/types';
import { hashApiTokenSecret } from './api-token-secrets';

/**
 * Whether a login session or a personal API token is still live, asked on every request
 * (access tokens outlive a revocation otherwise, and API tokens are looked up by their hash).
 * Answers are kept a few seconds, and forgotten at once when this instance hears of a revocation,
 * so an ended session or revoked token stops working everywhere within seconds, and its sockets
 * close at once (apps/server's socket registry, on the same announcement).
 */
export interface SessionStatus {
  isLive(sessionId: string): Promise<boolean>;
  /** Who an API token's secret stands for, or null when it is unknown, revoked or expired. */
  apiTokenViewer(secret: string): Promise<Viewer | null>;
  /** Session or API token ids that just ended. */
  forget(ids: readonly string[]): void;
}

/** What an API token proves, which never changes while it lives. */
type TokenFacts = Required<Pick<Viewer, 'userId' | 'sessionId' | 'expiresAt' | 'apiToken'>>;

/** A timestamp as the epoch ms a viewer carries; no expiry is "never" (checked like any other). */
const NEVER = Number.MAX_SAFE_INTEGER;

export function createSessionStatus(db: Database, ttlMs = 5_000, maxEntries = 20_000): SessionStatus {
  const known = new Map<string, { live: boolean; until: number }>();
  // By the secret's hash (the secret itself is not kept in memory longer than a request).
  const tokenFacts = new Map<string, TokenFacts>();
  const remember = (id: string, live: boolean) => {
    if (known.size >= maxEntries) known.clear();
    known.set(id, { live, until: Date.now() + ttlMs });
  };
  const cached = (id: string) => {
    const entry = known.get(id);
    return entry && entry.until > Date.now() ? entry.live : undefined;
  };

  /** Looks the token up by hash (also noting its use); null when it is gone or expired. */
  async function lookUpToken(hash: string): Promise<TokenFacts | null> {
    const [row] = await db
      .update(apiTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(
        and(
          eq(apiTokens.tokenHash, hash),
          or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)),
          // Its holder is active, and so is a bot's owner (the admin may deactivate either).
          sql`exists (select 1 from ${users} holder where holder.id = ${apiTokens.userId}
            and holder.deleted_at is null and holder.deactivated_at is null
            and (holder.owner_id is null or exists (select 1 from ${users} owner
              where owner.id = holder.owner_id and owner.deactivated_at is null)))`,
        ),
      )
      .returning({
        id: apiTokens.id,
        userId: apiTokens.userId,
        scope: apiTokens.scope,
        expiresAt: apiTokens.expiresAt,
      });
    if (!row) return null;
    return {
      userId: row.userId,
      sessionId: row.id,
      expiresAt: row.expiresAt?.getTime() ?? NEVER,
      apiToken: { scope: row.scope },
    };
  }

  return {
    async isLive(sessionId) {
      const answer = cached(sessionId);
      if (answer !== undefined) return answer;
      const [row] = await db
        .select({ id: sessions.id })
        .from(sessions)
        .where(
          and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())),
        );
      remember(sessionId, row !== undefined);
      return row !== undefined;
    },
    async apiTokenViewer(secret) {
      if (secret.length > limits.apiTokenSecret.max) return null;
      const hash = hashApiTokenSecret(secret);
      const facts = tokenFacts.get(hash);
      if (facts) {
        const answer = cached(facts.sessionId);
        if (answer === true) return { ...facts };
        if (answer === false) return null;
      }
      // A token seen before keeps working while the database is unreachable (the call then
      // fails on its own, SERVICE_UNAVAILABLE); an unknown one cannot be checked, so is anonymous.
      const found = await lookUpToken(hash).catch(() => (facts ? facts : null));
      if (!found) {
        if (facts) {
          tokenFacts.delete(hash);
          remember(facts.sessionId, false);
        }
        return null;
      }
      if (tokenFacts.size >= maxEntries) tokenFacts.clear();
      tokenFacts.set(hash, found);
      remember(found.sessionId, true);
      return { ...found };
    },
    forget(ids) {
      for (const id of ids) known.delete(id);
    },
  };
}
