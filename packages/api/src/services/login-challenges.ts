import { loginChallenges, type Database } from '@pigeon/db';
import { TRPCError } from '@trpc/server';
import { SecondFactorNeeded } from '../second-factor-needed';
import { newSecret } from './api-token-secrets';
import { sweepExpiredChallenges } from './totp-codes';

/** Long enough to open the app and type a code, short enough that a stolen challenge soon dies. */
const CHALLENGE_TTL_SECONDS = 5 * 60;

/**
 * The password was right and the account has two-factor on: instead of a session, a challenge
 * (kept as a hash, good for a few minutes and one completed login) that a code turns into one.
 */
export async function refuseWithChallenge(db: Database, userId: string): Promise<never> {
  await sweepExpiredChallenges(db, userId);
  const { token, hash } = newSecret();
  const expiresAt = new Date(Date.now() + CHALLENGE_TTL_SECONDS * 1000);
  await db.insert(loginChallenges).values({ tokenHash: hash, userId, expiresAt });
  throw new TRPCError({
    code: 'UNAUTHORIZED',
    message: 'Two-factor authentication is on: enter the code from your authenticator app.',
    cause: new SecondFactorNeeded({ challenge: token, expiresAt: expiresAt.toISOString() }),
  });
}
