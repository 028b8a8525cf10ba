import { sessions, type Database } from '@pigeon/db';
import type { DeviceSession } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import Bowser from 'bowser';
import { and, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import type { ChangeScope } from '../core/changes';

/** "Firefox on Linux", from the user agent a session was started with. */
export function deviceName(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name;
  const os = parsed.os.name;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? userAgent.slice(0, 40);
}

/** The user's sessions that still work: not ended, not expired. */
export const liveSessionsOf = (userId: string) =>
  and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date()));

export async function listSessions(
  db: Database,
  viewer: { userId: string; sessionId: string },
): Promise<DeviceSession[]> {
  const rows = await db
    .select({
      id: sessions.id,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastUsedAt: sessions.lastUsedAt,
      secondFactor: sessions.secondFactor,
    })
    .from(sessions)
    .where(liveSessionsOf(viewer.userId))
    .orderBy(desc(sessions.lastUsedAt));
  return rows.map((row) => ({
    id: row.id,
    device: deviceName(row.userAgent),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt.toISOString(),
    current: row.id === viewer.sessionId,
    secondFactor: row.secondFactor,
  }));
}

/** Ends sessions of the user; every instance closes their sockets. */
async function revokeSessions(
  scope: ChangeScope,
  userId: string,
  which: { only: string } | { allBut: string },
): Promise<string[]> {
  const rows = await scope.db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(
      and(
        liveSessionsOf(userId),
        'only' in which ? eq(sessions.id, which.only) : ne(sessions.id, which.allBut),
      ),
    )
    .returning({ id: sessions.id });
  const ended = rows.map((r) => r.id);
  scope.outbox.sessionsEnded(ended);
  return ended;
}

/** Logs one of the viewer's devices out. */
export async function revokeSession(
  scope: ChangeScope,
  viewerId: string,
  sessionId: string,
): Promise<{ ended: number }> {
  const ended = await revokeSessions(scope, viewerId, { only: sessionId });
  if (ended.length === 0) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such session of yours.' });
  return { ended: ended.length };
}

/** Logs out every device of the viewer but the one asking. */
export async function revokeOtherSessions(
  scope: ChangeScope,
  viewer: { userId: string; sessionId: string },
): Promise<{ ended: number }> {
  const ended = await revokeSessions(scope, viewer.userId, { allBut: viewer.sessionId });
  return { ended: ended.length };
}
