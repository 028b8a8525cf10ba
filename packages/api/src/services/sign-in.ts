import { users, type Database } from '@pigeon/db';
import type { AuthSession, RegistrationMode, LoginInput, refreshInput, registerInput } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import type { z } from 'zod';
import type { Outbox } from '../core/changes';
import { openEventStream } from '../core/event-log';
import type { CookieJar, Logger } from '../core/types';
import type { EmailDelivery } from '../mailer';
import { offerVerification } from './email-verification';
import type { RateLimits } from '../rate-limits';
import { underPasswordLimits, WrongPassword } from './password-attempts';
import { refuseWithChallenge } from './login-challenges';
import { admitRegistration } from './registration';
import { requireAcceptablePassword } from './password-policy';
import { checkUserPassword, hashPassword, verifyAgainstDummy } from './passwords';
import { clearRefreshCookie, deliverSession, refreshTokenFromCookie } from './refresh-cookie';
import { endSession, rotateRefreshToken, startSession } from './sessions';
import type { TokenService } from './tokens';
import { findUserByUsername, whichIsTaken } from './user-lookup';
import type { SecretBox } from './secret-box';

/** What signing in needs of the call: the database and keys, the caller, and the outbox. */
export interface SignInCall {
  db: Database;
  secretBox: SecretBox;
  tokens: TokenService;
  rateLimits: RateLimits;
  ip: string | null;
  userAgent: string | null;
  cookies: CookieJar | null;
  outbox: Outbox;
  registrationModeDefault: RegistrationMode;
  /** With `email`, a new account is mailed a verification link. */
  log?: Logger | undefined;
  email?: EmailDelivery | undefined;
}

/** A new account, logged in at once. */
export async function register(call: SignInCall, input: z.infer<typeof registerInput>): Promise<AuthSession> {
  requireAcceptablePassword(input.password, input, 'password');
  const passwordHash = await hashPassword(input.password);
  const user = await call.db.transaction(async (tx) => {
    const { firstAccount } = await admitRegistration(tx, call.registrationModeDefault, input.inviteCode);
    const [created] = await tx
      .insert(users)
      .values({ username: input.username, email: input.email, passwordHash, isAdmin: firstAccount })
      .onConflictDoNothing()
      .returning();
    if (!created) throw await whichIsTaken(tx, input);
    await openEventStream(tx, created.id);
    return created;
  });
  if (call.log) offerVerification({ ...call, log: call.log }, { ...user, emailVerified: false });
  return deliverSession(
    call.cookies,
    await startSession(call.db, call.tokens, user, call.userAgent),
    input.cookie,
  );
}

/**
 * Wrong passwords are counted per account and per address; past the limit, further tries are
 * refused before the password is even checked. A success clears the account's count.
 */
export async function login(call: SignInCall, input: LoginInput): Promise<AuthSession> {
  const attempt = { kind: 'login', username: input.username, ip: call.ip } as const;
  const user = await underPasswordLimits(call.rateLimits, attempt, async () => {
    const found = await findUserByUsername(call.db, input.username);
    // Bots have no password (they act through API tokens): their names fail like unknown ones.
    const user = found && !found.isBot ? found : undefined;
    const ok = user
      ? await checkUserPassword(call.db, user, input.password)
      : await verifyAgainstDummy(input.password);
    // One message for both cases: the response does not tell whether the name exists.
    if (!user || !ok)
      throw new WrongPassword({ code: 'UNAUTHORIZED', message: 'Wrong username or password.' });
    if (user.deactivatedAt) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: 'This account has been deactivated by the server’s admin.',
      });
    }
    return user;
  });
  // Two-factor on: no session yet, a challenge for `auth.loginSecondFactor` instead.
  if (user.totpSecret) await refuseWithChallenge(call.db, user.id);
  const session = await startSession(call.db, call.tokens, user, call.userAgent);
  return deliverSession(call.cookies, session, input.cookie);
}

/** A new token pair for a refresh token, given in the body or (browsers) held in the cookie. */
export async function refreshSession(
  call: SignInCall,
  input: z.infer<typeof refreshInput>,
): Promise<AuthSession> {
  const fromCookie = input.refreshToken === undefined;
  const token = input.refreshToken ?? refreshTokenFromCookie(call.cookies);
  if (!token) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Log in first.' });
  const outcome = await rotateRefreshToken(call.db, call.tokens, token).catch((err: unknown) => {
    if (fromCookie) clearRefreshCookie(call.cookies);
    throw err;
  });
  if (outcome.kind === 'rotated') return deliverSession(call.cookies, outcome.session, fromCookie);
  if (fromCookie) clearRefreshCookie(call.cookies);
  if (outcome.kind === 'reused') {
    call.outbox.sessionsEnded([outcome.endedSessionId]);
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'This sign-in was used from somewhere else, so it has been ended for safety. Log in again.',
    });
  }
  throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This session has ended; log in again.' });
}

/**
 * A browser's session after a reload: the cookie's session, or null when there is none to
 * resume (a visitor, or a cookie whose session has ended, which is cleared). "Not logged in" is
 * the expected answer for most page loads, so it is a value, not an error. A reused token still
 * ends its session, as in `refreshSession`.
 */
export async function resumeSession(call: SignInCall): Promise<AuthSession | null> {
  if (!refreshTokenFromCookie(call.cookies)) return null;
  try {
    return await refreshSession(call, {});
  } catch (err) {
    if (err instanceof TRPCError && err.code === 'UNAUTHORIZED') return null;
    throw err;
  }
}

/** Ends the caller's session; its sockets close on every instance. */
export async function logout(
  call: Pick<SignInCall, 'db' | 'cookies' | 'outbox'>,
  sessionId: string,
): Promise<{ ok: true }> {
  await endSession(call.db, sessionId);
  clearRefreshCookie(call.cookies);
  call.outbox.sessionsEnded([sessionId]);
  return { ok: true };
}
