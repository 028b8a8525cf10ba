import { loginChallenges, users } from '@pigeon/db';
import type { AuthSession } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { underPasswordLimits, WrongPassword } from './password-attempts';
import { deliverSession } from './refresh-cookie';
import { startSession } from './sessions';
import type { SignInCall } from './sign-in';
import { hashSecret } from './api-token-secrets';
import { useSecondFactor } from './totp-codes';

const expired = () =>
  new TRPCError({
    code: 'UNAUTHORIZED',
    message: 'This login has expired or was already used; log in again.',
  });

/**
 * The second step: the challenge and a code from the app or a recovery code. Wrong codes count
 * like wrong passwords for the account; the challenge is used up by the login it completes.
 */
export async function loginSecondFactor(
  call: SignInCall,
  input: { challenge: string; code: string; cookie: boolean },
): Promise<AuthSession> {
  const tokenHash = hashSecret(input.challenge);
  const [challenge] = await call.db
    .select({ userId: loginChallenges.userId })
    .from(loginChallenges)
    .where(and(eq(loginChallenges.tokenHash, tokenHash), gt(loginChallenges.expiresAt, new Date())));
  if (!challenge) throw expired();
  const attempt = { kind: 'confirmation', userId: challenge.userId, ip: call.ip } as const;
  const session = await underPasswordLimits(call.rateLimits, attempt, async () => {
    const [user] = await call.db
      .select()
      .from(users)
      .where(and(eq(users.id, challenge.userId), isNull(users.deletedAt), isNull(users.deactivatedAt)));
    if (!user) throw expired();
    if (!(await useSecondFactor(call, user, input.code))) {
      throw new WrongPassword({
        code: 'UNAUTHORIZED',
        message: 'That code is not right, or was already used.',
      });
    }
    // Used up here, conditionally: of two logins racing on one challenge, one gets a session.
    const taken = await call.db
      .delete(loginChallenges)
      .where(and(eq(loginChallenges.tokenHash, tokenHash), gt(loginChallenges.expiresAt, new Date())))
      .returning({ userId: loginChallenges.userId });
    if (taken.length !== 1) throw expired();
    return startSession(call.db, call.tokens, user, call.userAgent, true);
  });
  return deliverSession(call.cookies, session, input.cookie);
}
