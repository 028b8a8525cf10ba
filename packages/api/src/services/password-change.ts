import { sessions, users, type Database } from '@pigeon/db';
import type { ChangePasswordInput } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq, ne } from 'drizzle-orm';
import type { Outbox } from '../core/changes';
import type { RateLimits } from '../rate-limits';
import { liveSessionsOf } from './devices';
import { underPasswordLimits, requireUserPassword } from './password-attempts';
import { requireAcceptablePassword } from './password-policy';
import { hashPassword } from './passwords';
import type { SecretBox } from './secret-box';
import { requireSecondFactorCode } from './two-factor';

/**
 * Needs the current password, checked under the same limits as a login; every other session ends
 * (a thief's copy included).
 */
export async function changePassword(
  call: { db: Database; secretBox: SecretBox; rateLimits: RateLimits; ip: string | null; outbox: Outbox },
  viewer: { userId: string; sessionId: string },
  input: ChangePasswordInput,
): Promise<{ ended: number }> {
  const attempt = { kind: 'confirmation', userId: viewer.userId, ip: call.ip } as const;
  const ended = await underPasswordLimits(call.rateLimits, attempt, async () => {
    const [user] = await call.db.select().from(users).where(eq(users.id, viewer.userId));
    if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
    // The rules for the new one first: they need no hashing, and are no secret.
    requireAcceptablePassword(input.newPassword, user, 'newPassword');
    await requireUserPassword(call.db, user, input.currentPassword, 'The current password is not right.');
    await requireSecondFactorCode(call, user, input.code);
    const passwordHash = await hashPassword(input.newPassword);
    return call.db.transaction(async (tx) => {
      await tx.update(users).set({ passwordHash }).where(eq(users.id, viewer.userId));
      const rows = await tx
        .update(sessions)
        .set({ revokedAt: new Date() })
        .where(and(liveSessionsOf(viewer.userId), ne(sessions.id, viewer.sessionId)))
        .returning({ id: sessions.id });
      return rows.map((r) => r.id);
    });
  });
  call.outbox.sessionsEnded(ended);
  return { ended: ended.length };
}
