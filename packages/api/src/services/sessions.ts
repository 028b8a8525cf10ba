import { sessions, users, type Database } from '@pigeon/db';
import type { ChangePasswordInput, DeviceSession } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import Bowser from 'bowser';
import { and, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import { hashPassword, verifyPassword } from './passwords';

/** "Firefox on Linux", from the user agent a session was started with. */
export function deviceName(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name;
  const os = parsed.os.name;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? userAgent.slice(0, 40);
}

const live = (userId: string) =>
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
    })
    .from(sessions)
    .where(live(viewer.userId))
    .orderBy(desc(sessions.lastUsedAt));
  return rows.map((row) => ({
    id: row.id,
    device: deviceName(row.userAgent),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt.toISOString(),
    current: row.id === viewer.sessionId,
  }));
}

/** Ends sessions of the user; returns the ids actually ended (to close their sockets). */
export async function revokeSessions(
  db: Database,
  userId: string,
  which: { only: string } | { allBut: string },
): Promise<string[]> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(live(userId), 'only' in which ? eq(sessions.id, which.only) : ne(sessions.id, which.allBut)))
    .returning({ id: sessions.id });
  return rows.map((r) => r.id);
}

/** Needs the current password; every other session ends (a thief's copy included). */
export async function changePassword(
  db: Database,
  viewer: { userId: string; sessionId: string },
  input: ChangePasswordInput,
): Promise<string[]> {
  const [user] = await db.select().from(users).where(eq(users.id, viewer.userId));
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'The current password is not right.' });
  }
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, viewer.userId));
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(live(viewer.userId), ne(sessions.id, viewer.sessionId)))
      .returning({ id: sessions.id });
    return ended.map((r) => r.id);
  });
}
