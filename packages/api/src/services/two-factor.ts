import { recoveryCodes, sessions, users, type Database } from '@pigeon/db';
import type { RecoveryCodesOutput, TwoFactorEnrolment, TwoFactorStatus } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, count, eq, isNull } from 'drizzle-orm';
import type { RateLimits } from '../rate-limits';
import type { SecretBox } from './secret-box';
import { underPasswordLimits, requireUserPassword, WrongPassword } from './password-attempts';
import { matchingTimeStep, newRecoveryCodes, newTotpSecret, useSecondFactor } from './totp-codes';

/*
 * Turning two-factor on and off. On: a secret is made and kept pending until a code from it
 * proves the app has it; only then is it the account's, with ten recovery codes shown once.
 * Codes are checked under the password limits (services/password-attempts.ts).
 */

interface Call {
  db: Database;
  secretBox: SecretBox;
  rateLimits: RateLimits;
  ip: string | null;
}

/** What reading a stored second factor takes: the database, and the key its secret is sealed with. */
export type SecondFactorStore = Pick<Call, 'db' | 'secretBox'>;

async function accountOf(db: Database, userId: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)));
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
  return user;
}

export async function twoFactorStatus(db: Database, userId: string): Promise<TwoFactorStatus> {
  const user = await accountOf(db, userId);
  if (!user.totpSecret) return { enabled: false, recoveryCodesLeft: 0 };
  const [left] = await db
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return { enabled: true, recoveryCodesLeft: left?.n ?? 0 };
}

/**
 * A new pending secret (replacing any earlier unconfirmed one); the account's factor is unchanged.
 * Only for whoever knows the password, checked under the password limits.
 */
export async function startTwoFactor(
  call: Call,
  userId: string,
  password: string,
): Promise<TwoFactorEnrolment> {
  const attempt = { kind: 'confirmation', userId, ip: call.ip } as const;
  return underPasswordLimits(call.rateLimits, attempt, async () => {
    const user = await accountOf(call.db, userId);
    if (user.totpSecret) {
      throw new TRPCError({ code: 'CONFLICT', message: 'Two-factor authentication is already on.' });
    }
    await requireUserPassword(call.db, user, password);
    const enrolment = newTotpSecret(user.username);
    await call.db
      .update(users)
      .set({ totpPendingSecret: call.secretBox.seal(enrolment.secret) })
      .where(eq(users.id, userId));
    return enrolment;
  });
}

/**
 * A code from the pending secret turns two-factor on: the secret becomes the account's, the
 * calling session counts as having passed it, and the recovery codes are returned (only now).
 */
export async function confirmTwoFactor(
  call: Call,
  viewer: { userId: string; sessionId: string },
  code: string,
): Promise<RecoveryCodesOutput> {
  const attempt = { kind: 'confirmation', userId: viewer.userId, ip: call.ip } as const;
  return underPasswordLimits(call.rateLimits, attempt, async () => {
    const user = await accountOf(call.db, viewer.userId);
    if (user.totpSecret) {
      throw new TRPCError({ code: 'CONFLICT', message: 'Two-factor authentication is already on.' });
    }
    const pending = user.totpPendingSecret;
    if (!pending) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: 'Start setting up two-factor authentication first.',
      });
    }
    const step = await matchingTimeStep(call.secretBox.open(pending), code, null);
    if (step === null) throw new WrongPassword({ code: 'FORBIDDEN', message: 'That code is not right.' });
    const { codes, hashes } = newRecoveryCodes();
    await call.db.transaction(async (tx) => {
      const turnedOn = await tx
        .update(users)
        .set({ totpSecret: pending, totpPendingSecret: null, totpLastTimeStep: step })
        .where(
          and(eq(users.id, viewer.userId), isNull(users.totpSecret), eq(users.totpPendingSecret, pending)),
        )
        .returning({ id: users.id });
      if (turnedOn.length !== 1) {
        throw new TRPCError({
          code: 'CONFLICT',
          message: 'Two-factor authentication changed meanwhile; try again.',
        });
      }
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, viewer.userId));
      await tx.insert(recoveryCodes).values(hashes.map((codeHash) => ({ userId: viewer.userId, codeHash })));
      await tx.update(sessions).set({ secondFactor: true }).where(eq(sessions.id, viewer.sessionId));
    });
    return { recoveryCodes: codes };
  });
}

/** Off again, with a current code (or a recovery code); the secret and recovery codes go. */
export async function disableTwoFactor(
  call: Call,
  userId: string,
  code: string,
): Promise<{ enabled: false }> {
  const attempt = { kind: 'confirmation', userId, ip: call.ip } as const;
  return underPasswordLimits(call.rateLimits, attempt, async () => {
    const user = await accountOf(call.db, userId);
    if (!user.totpSecret) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'Two-factor authentication is not on.' });
    }
    await requireSecondFactorCode(call, user, code);
    await call.db.transaction(async (tx) => {
      await tx
        .update(users)
        .set({ totpSecret: null, totpPendingSecret: null, totpLastTimeStep: null })
        .where(eq(users.id, userId));
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    });
    return { enabled: false as const };
  });
}

/**
 * For changes that need the password and, once two-factor is on, a code too (password change,
 * account deletion). Call it inside `underPasswordLimits`: a wrong code counts like a wrong
 * password. A missing code is not a guess, so it is refused without counting.
 */
export async function requireSecondFactorCode(
  store: SecondFactorStore,
  user: typeof users.$inferSelect,
  code: string | undefined,
): Promise<void> {
  if (!user.totpSecret) return;
  if (code === undefined) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'Two-factor authentication is on: enter a code from your authenticator app.',
    });
  }
  if (!(await useSecondFactor(store, user, code))) {
    throw new WrongPassword({ code: 'FORBIDDEN', message: 'That code is not right, or was already used.' });
  }
}
