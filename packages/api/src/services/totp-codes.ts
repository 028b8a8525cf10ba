import { loginChallenges, recoveryCodes, users, type Database } from '@pigeon/db';
import { createHash, randomInt } from 'node:crypto';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { generateSecret, generateURI, verify } from 'otplib';
import type { SecretBox } from './secret-box';

/*
 * The second factor's codes: TOTP (RFC 6238, 30 s steps, 6 digits) through otplib, recovery
 * codes, and the check that takes either and uses it up.
 */

const ISSUER = 'Pigeon';
/** One step either side of now: clocks drift, and people type slowly. */
const TOLERANCE_SECONDS = 30;
const RECOVERY_CODE_COUNT = 10;
/** No 0/o, 1/l/i: recovery codes are read off paper. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function newTotpSecret(username: string): { secret: string; otpauthUri: string } {
  const secret = generateSecret();
  return { secret, otpauthUri: generateURI({ issuer: ISSUER, label: username, secret }) };
}

/** The time step a 6-digit code belongs to, when it is right and newer than `afterTimeStep`. */
export async function matchingTimeStep(
  secret: string,
  code: string,
  afterTimeStep: number | null,
): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epochTolerance: TOLERANCE_SECONDS,
    ...(afterTimeStep === null ? {} : { afterTimeStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** Ten fresh codes ("abcde-fghij", about 49 bits each) and their hashes. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
    return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
  });
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

/** SHA-256 is enough: the codes are random (not chosen by people) and guesses are rate-limited. */
export function hashRecoveryCode(code: string): string {
  const normalised = code.replace(/[\s-]/g, '').toLowerCase();
  return createHash('sha256').update(`pigeon-recovery:${normalised}`).digest('base64url');
}

/**
 * Checks a code from the app or a recovery code against the user's second factor and uses it
 * up: the app's code can't be used again in its window (the accepted step is remembered, and
 * only a later one is taken), a recovery code works once. False when it is wrong or used.
 */
export async function useSecondFactor(
  { db, secretBox }: { db: Database; secretBox: SecretBox },
  user: { id: string; totpSecret: string | null; totpLastTimeStep: number | null },
  code: string,
): Promise<boolean> {
  if (!user.totpSecret) return false;
  if (/^\d{6}$/.test(code)) {
    const step = await matchingTimeStep(secretBox.open(user.totpSecret), code, user.totpLastTimeStep);
    if (step === null) return false;
    // Conditional on the step still being newer: two requests racing with one code, one wins.
    const taken = await db
      .update(users)
      .set({ totpLastTimeStep: step })
      .where(and(eq(users.id, user.id), or(isNull(users.totpLastTimeStep), lt(users.totpLastTimeStep, step))))
      .returning({ id: users.id });
    return taken.length === 1;
  }
  const used = await db
    .update(recoveryCodes)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(recoveryCodes.userId, user.id),
        eq(recoveryCodes.codeHash, hashRecoveryCode(code)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  return used.length === 1;
}

/** Challenges past their time are of no use; swept whenever a new one is made for the user. */
export async function sweepExpiredChallenges(db: Database, userId: string): Promise<void> {
  await db
    .delete(loginChallenges)
    .where(and(eq(loginChallenges.userId, userId), lt(loginChallenges.expiresAt, new Date())));
}
