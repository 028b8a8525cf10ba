import { TRPCClientError } from '@trpc/client';
import { secondFactorChallenge, type SecondFactorChallenge } from '@pigeon/schema';

/**
 * When `auth.login` refused because the account has two-factor on, the challenge to finish it
 * with (`auth.loginSecondFactor({ challenge, code })`); null for any other outcome.
 */
export function secondFactorChallengeOf(err: unknown): SecondFactorChallenge | null {
  if (!(err instanceof TRPCClientError)) return null;
  const data: unknown = err.data;
  if (typeof data !== 'object' || data === null || !('secondFactorChallenge' in data)) return null;
  const parsed = secondFactorChallenge.safeParse(data.secondFactorChallenge);
  return parsed.success ? parsed.data : null;
}
