import { sessions, usedRefreshTokens, users, type Database } from '@pigeon/db';
import type { AuthSession } from '@pigeon/schema';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { hashRefreshToken, newRefreshToken, type TokenService } from './tokens';
import { toMe } from './views';

/*
 * A login session's rows: started at login, its refresh token rotated on every refresh, ended at
 * logout. (Listing and ending them from the devices page: devices.ts.)
 */

const USER_AGENT_MAX = 256;

export async function startSession(
  db: Database,
  tokens: TokenService,
  user: typeof users.$inferSelect,
  userAgent: string | null,
  /** The login passed a second factor (shown in the sessions list). */
  secondFactor = false,
): Promise<AuthSession> {
  const refresh = newRefreshToken();
  const refreshTokenExpiresAt = new Date(Date.now() + tokens.refreshTokenTtlSeconds * 1000);
  const [session] = await db
    .insert(sessions)
    .values({
      userId: user.id,
      refreshTokenHash: refresh.hash,
      userAgent: userAgent?.slice(0, USER_AGENT_MAX) ?? null,
      expiresAt: refreshTokenExpiresAt,
      secondFactor,
    })
    .returning({ id: sessions.id });
  if (!session) throw new Error('session insert returned nothing');
  return issueTokens(tokens, user, session.id, refresh.token, refreshTokenExpiresAt);
}

/** A fresh access token beside the session's (new) refresh token. */
async function issueTokens(
  tokens: TokenService,
  user: typeof users.$inferSelect,
  sessionId: string,
  refreshToken: string,
  refreshTokenExpiresAt: Date,
): Promise<AuthSession> {
  const access = await tokens.signAccessToken({ userId: user.id, sessionId });
  return {
    user: toMe(user),
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    refreshToken,
    refreshTokenExpiresAt: refreshTokenExpiresAt.toISOString(),
  };
}

export type RefreshOutcome =
  | { kind: 'rotated'; session: AuthSession }
  /** An old refresh token came back: its session was ended, and its sockets must close. */
  | { kind: 'reused'; endedSessionId: string }
  | { kind: 'invalid' };

/**
 * Swaps a refresh token for a new pair; the old one stops working at once and is remembered.
 * If a remembered one is presented again, someone holds a copy: the whole session ends.
 */
export async function rotateRefreshToken(
  db: Database,
  tokens: TokenService,
  refreshToken: string,
): Promise<RefreshOutcome> {
  const presented = hashRefreshToken(refreshToken);
  const next = newRefreshToken();
  const refreshTokenExpiresAt = new Date(Date.now() + tokens.refreshTokenTtlSeconds * 1000);
  const outcome = await db.transaction(async (tx) => {
    const [session] = await tx
      .update(sessions)
      .set({ refreshTokenHash: next.hash, lastUsedAt: new Date(), expiresAt: refreshTokenExpiresAt })
      .where(
        and(
          eq(sessions.refreshTokenHash, presented),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, new Date()),
        ),
      )
      .returning({ id: sessions.id, userId: sessions.userId });
    if (session) {
      await tx.insert(usedRefreshTokens).values({ tokenHash: presented, sessionId: session.id });
      return { kind: 'rotated' as const, sessionId: session.id, userId: session.userId };
    }
    const [used] = await tx
      .select({ sessionId: usedRefreshTokens.sessionId })
      .from(usedRefreshTokens)
      .where(eq(usedRefreshTokens.tokenHash, presented));
    if (!used) return { kind: 'invalid' as const };
    await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.id, used.sessionId), isNull(sessions.revokedAt)));
    return { kind: 'reused' as const, endedSessionId: used.sessionId };
  });
  if (outcome.kind !== 'rotated') return outcome;
  const [user] = await db.select().from(users).where(eq(users.id, outcome.userId));
  if (!user) return { kind: 'invalid' };
  return {
    kind: 'rotated',
    session: await issueTokens(tokens, user, outcome.sessionId, next.token, refreshTokenExpiresAt),
  };
}

export async function endSession(db: Database, sessionId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}
