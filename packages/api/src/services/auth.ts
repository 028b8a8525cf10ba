import { eventStreams, sessions, usedRefreshTokens, users, type Database } from '@pigeon/db';
import type { AuthSession, LoginInput, Me, RegisterInput } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../core/types';
import type { TokenService } from './tokens';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords';
import { hashRefreshToken, newRefreshToken } from './tokens';

const USER_AGENT_MAX = 256;

export function toMe(user: typeof users.$inferSelect): Me {
  return { id: user.id, username: user.username, email: user.email, createdAt: user.createdAt.toISOString() };
}

async function startSession(
  db: Database,
  tokens: TokenService,
  user: typeof users.$inferSelect,
  userAgent: string | null,
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

export async function register(
  db: Database,
  tokens: TokenService,
  input: RegisterInput,
  userAgent: string | null,
): Promise<AuthSession> {
  const passwordHash = await hashPassword(input.password);
  const user = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({ username: input.username, email: input.email, passwordHash })
      .onConflictDoNothing()
      .returning();
    if (!created) throw await whichIsTaken(tx, input);
    await tx.insert(eventStreams).values({ userId: created.id });
    return created;
  });
  return startSession(db, tokens, user, userAgent);
}

/** After a unique-index conflict: which of the two was taken, as a CONFLICT to show by the field. */
export async function whichIsTaken(
  db: Database | Tx,
  wanted: { username?: string | undefined; email?: string | undefined },
): Promise<TRPCError> {
  if (wanted.username !== undefined) {
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.username}) = ${wanted.username.toLowerCase()}`);
    if (user) return new TRPCError({ code: 'CONFLICT', message: 'That username is taken.' });
  }
  return new TRPCError({ code: 'CONFLICT', message: 'That email is already registered.' });
}

export async function findUserByUsername(db: Database, username: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(and(sql`lower(${users.username}) = ${username.toLowerCase()}`, isNull(users.deletedAt)));
  return user;
}

export async function login(
  db: Database,
  tokens: TokenService,
  input: LoginInput,
  userAgent: string | null,
): Promise<AuthSession> {
  const user = await findUserByUsername(db, input.username);
  const ok = user
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyAgainstDummy(input.password);
  // One message for both cases: the response does not tell whether the name exists.
  if (!user || !ok) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong username or password.' });
  return startSession(db, tokens, user, userAgent);
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
export async function refresh(
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

export async function logout(db: Database, sessionId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

export async function getMe(db: Database, userId: string): Promise<Me> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
  return toMe(user);
}
