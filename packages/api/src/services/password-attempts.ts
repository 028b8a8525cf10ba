import type { Database } from '@pigeon/db';
import { TRPCError } from '@trpc/server';
import { ipKey, type RateLimits } from '../rate-limits';
import { checkUserPassword } from './passwords';

/**
 * A wrong password: the one failure the password limits count. To the caller it is a TRPCError
 * like any other (UNAUTHORIZED at login, FORBIDDEN when a logged-in user confirms their password).
 */
export class WrongPassword extends TRPCError {}

/**
 * A confirmation of the account's own password (before a change that needs it): FORBIDDEN, as a
 * `WrongPassword` the password limits count, unless `password` is the user's.
 */
export async function requireUserPassword(
  db: Database,
  user: { id: string; passwordHash: string },
  password: string,
  message = 'The password is not right.',
): Promise<void> {
  if (!(await checkUserPassword(db, user, password))) {
    throw new WrongPassword({ code: 'FORBIDDEN', message });
  }
}

/**
 * Who tries a password. At login the account is the name typed, and the address has a budget of
 * its own; a logged-in user confirming their password (to change it, or to delete the account) is
 * counted by their id.
 */
export type PasswordAttempt =
  | { kind: 'login'; username: string; ip: string | null }
  | { kind: 'confirmation'; userId: string; ip: string | null };

const loginAccountKey = (username: string) => `account:${username.toLowerCase()}`;

// Back-off is per account *and* address: a guesser elsewhere slows themselves down, not the
// owner logging in from home (the per-account cap still stops a spread-out attack).
const streakKey = (account: string, address: string) => `${account}|${address}`;

/**
 * After a password reset the login limits start over for the account, and for the address the
 * reset came from: whoever opened the emailed link is the owner, and locking them out for 15
 * minutes with a password they have just chosen would send them to the admin for nothing.
 */
export async function forgetLoginFailures(
  limits: RateLimits,
  username: string,
  ip: string | null,
): Promise<void> {
  const account = loginAccountKey(username);
  await Promise.all([
    limits.reset('loginFailuresPerAccount', account),
    limits.backoff.succeeded(streakKey(account, ipKey(ip))),
  ]);
}

/**
 * Runs `check` under the password limits: refused before it starts while the account (or, at
 * login, the address) has failed too often or must still wait; a `WrongPassword` it throws counts
 * as one more failure; a success starts the back-off again (and, at login, clears the account's
 * count).
 */
export async function underPasswordLimits<T>(
  limits: RateLimits,
  attempt: PasswordAttempt,
  check: () => Promise<T>,
): Promise<T> {
  const login = attempt.kind === 'login';
  const account = login ? loginAccountKey(attempt.username) : `user:${attempt.userId}`;
  const address = ipKey(attempt.ip);
  const streak = streakKey(account, address);
  await limits.check('loginFailuresPerAccount', account);
  if (login) await limits.check('loginFailuresPerIp', address);
  await limits.backoff.check(streak);
  try {
    const result = await check();
    if (login) {
      await Promise.all([limits.reset('loginFailuresPerAccount', account), limits.backoff.succeeded(streak)]);
    } else {
      await limits.backoff.succeeded(streak);
    }
    return result;
  } catch (err) {
    if (err instanceof WrongPassword) {
      // Counting the failure may itself hit the limit; the answer stays "wrong password".
      await Promise.allSettled([
        limits.consume('loginFailuresPerAccount', account),
        ...(login ? [limits.consume('loginFailuresPerIp', address)] : []),
        limits.backoff.failed(streak),
      ]);
    }
    throw err;
  }
}
