import { users } from '@pigeon/db';
import type { Me, UpdateProfileInput } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import type { ChangeScope } from '../core/changes';
import { ipKey } from '../rate-limits';
import { addressKey, requireEmailDelivery, type RecoveryCall } from './account-email';
import { findUsableLink, issueEmailLink, spendLink } from './email-links';
import { updateProfile } from './profile';
import { afterAnswering, verificationMail } from './recovery-mail';

/**
 * Mails a verification link to the account's address after the answer has gone, when the server
 * sends email; a mailbox already sent its share this hour gets nothing more (logged).
 */
export function offerVerification(
  call: RecoveryCall,
  user: { id: string; username: string; email: string | null; emailVerified: boolean },
): void {
  const delivery = call.email;
  const email = user.email;
  if (!delivery || !email || user.emailVerified) return;
  afterAnswering(call.log, 'email verification', async () => {
    await call.rateLimits.consume('recoveryEmailsPerAddress', addressKey(email));
    const { token } = await issueEmailLink(call.db, {
      userId: user.id,
      purpose: 'email_verification',
      email,
    });
    await delivery.mailer.send(verificationMail(delivery, { email, username: user.username }, token));
  });
}

/** A new link to the caller's unverified address ("send it again"). */
export async function sendVerification(call: RecoveryCall, viewerId: string): Promise<{ sentTo: string }> {
  const delivery = requireEmailDelivery(call.email);
  const [user] = await call.db.select().from(users).where(eq(users.id, viewerId));
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
  const email = user.email;
  if (!email)
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'Add an email address to your profile first.' });
  if (user.emailVerifiedAt)
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'Your email is already verified.' });
  await call.rateLimits.consume('recoveryEmailsPerIp', ipKey(call.ip));
  await call.rateLimits.consume('recoveryEmailsPerAddress', addressKey(email));
  afterAnswering(call.log, 'email verification', async () => {
    const { token } = await issueEmailLink(call.db, {
      userId: user.id,
      purpose: 'email_verification',
      email,
    });
    await delivery.mailer.send(verificationMail(delivery, { email, username: user.username }, token));
  });
  return { sentTo: email };
}

/**
 * Marks the address verified. Anyone holding the link may open it (it proves the mailbox, not a
 * login); a link for an address the account no longer has proves nothing.
 */
export async function verifyEmail(
  call: Pick<RecoveryCall, 'db' | 'rateLimits' | 'ip'>,
  token: string,
): Promise<{ email: string }> {
  await call.rateLimits.consume('emailLinksPerIp', ipKey(call.ip));
  const link = await findUsableLink(call.db, token, 'email_verification');
  const [user] = await call.db.select().from(users).where(eq(users.id, link.userId));
  const email = user?.email;
  if (!user || user.deletedAt || !email || email.toLowerCase() !== link.email?.toLowerCase()) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message:
        'This link was for an address the account no longer uses. Ask for a new one from your profile.',
    });
  }
  await call.db.transaction(async (tx) => {
    await spendLink(tx, link);
    await tx.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, user.id));
  });
  return { email };
}

/** Changes the profile; a new email is unverified until its owner follows the link mailed to it. */
export async function changeProfile(
  call: RecoveryCall & ChangeScope,
  viewerId: string,
  input: UpdateProfileInput,
): Promise<Me> {
  const me = await updateProfile(call, viewerId, input);
  if (input.email !== undefined) offerVerification(call, me);
  return me;
}
