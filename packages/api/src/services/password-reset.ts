import { sessions, users } from '@pigeon/db';
import type { AdminPasswordResetLink, RequestPasswordResetInput, ResetPasswordInput } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq, isNull } from 'drizzle-orm';
import type { ChangeScope } from '../core/changes';
import { ipKey } from '../rate-limits';
import { addressKey, personByEmail, requireEmailDelivery, type RecoveryCall } from './account-email';
import { findUsableLink, issueEmailLink, linkPath, retireEmailLinks, spendLink } from './email-links';
import { forgetLoginFailures } from './password-attempts';
import { requireAcceptablePassword } from './password-policy';
import { hashPassword } from './passwords';
import { afterAnswering, passwordResetMail } from './recovery-mail';

/** A link the admin hands over in person or by chat: it has to survive the trip, so a day. */
const ADMIN_LINK_LIFETIME_MS = 24 * 60 * 60_000;

/**
 * Answers at once and the same for every address; finding the account and mailing the link
 * happen afterwards (`afterAnswering`), so neither the answer nor its timing tells whether the
 * address has an account. Limited per caller and per address, known or not.
 */
export async function requestPasswordReset(
  call: RecoveryCall,
  input: RequestPasswordResetInput,
): Promise<{ requested: true }> {
  const delivery = requireEmailDelivery(call.email);
  await call.rateLimits.consume('recoveryEmailsPerIp', ipKey(call.ip));
  await call.rateLimits.consume('recoveryEmailsPerAddress', addressKey(input.email));
  afterAnswering(call.log, 'password reset', async () => {
    const user = await personByEmail(call.db, input.email);
    if (!user?.email || user.deactivatedAt) return;
    const { token } = await issueEmailLink(call.db, {
      userId: user.id,
      purpose: 'password_reset',
      email: user.email,
    });
    await delivery.mailer.send(
      passwordResetMail(delivery, { email: user.email, username: user.username }, token),
    );
  });
  return { requested: true };
}

/**
 * Sets a new password from a reset link: the link is spent, every session of the account ends
 * (refresh tokens die with them, open sockets close on every instance), and the address the link
 * went to counts as verified, since only its mailbox could open it. The login limits start over.
 */
export async function resetPassword(
  call: Pick<RecoveryCall, 'db' | 'rateLimits' | 'ip' | 'outbox'>,
  input: ResetPasswordInput,
): Promise<{ username: string }> {
  await call.rateLimits.consume('emailLinksPerIp', ipKey(call.ip));
  const link = await findUsableLink(call.db, input.token, 'password_reset');
  const [user] = await call.db
    .select()
    .from(users)
    .where(and(eq(users.id, link.userId), isNull(users.deletedAt)));
  if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'This account no longer exists.' });
  if (user.deactivatedAt) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'This account has been deactivated by the server’s admin.',
    });
  }
  // The rules first, so a refused password leaves the link usable for a better one.
  requireAcceptablePassword(input.newPassword, user, 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  const ended = await call.db.transaction(async (tx) => {
    await spendLink(tx, link);
    await retireEmailLinks(tx, user.id, 'password_reset');
    const proved = link.email !== null && link.email.toLowerCase() === user.email?.toLowerCase();
    await tx
      .update(users)
      .set({ passwordHash, ...(proved && !user.emailVerifiedAt ? { emailVerifiedAt: new Date() } : {}) })
      .where(eq(users.id, user.id));
    const rows = await tx
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    return rows.map((r) => r.id);
  });
  call.outbox.sessionsEnded(ended);
  await forgetLoginFailures(call.rateLimits, user.username, call.ip);
  return { username: user.username };
}

/**
 * The admin's way in for someone without email (or on a server without SMTP): a reset link the
 * admin passes on. It works like an emailed one; the password stays unknown to the admin.
 */
export async function adminResetLink(
  scope: ChangeScope,
  adminId: string,
  userId: string,
): Promise<AdminPasswordResetLink> {
  if (userId === adminId) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'That is your own account: change your password from your profile instead.',
    });
  }
  const [user] = await scope.db
    .select({ id: users.id, isBot: users.isBot })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)));
  if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such user.' });
  if (user.isBot) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'A bot has no password; it uses API tokens.' });
  }
  const { token, expiresAt } = await issueEmailLink(scope.db, {
    userId,
    purpose: 'password_reset',
    email: null,
    lifetimeMs: ADMIN_LINK_LIFETIME_MS,
  });
  return { path: linkPath('password_reset', token), expiresAt: expiresAt.toISOString() };
}
