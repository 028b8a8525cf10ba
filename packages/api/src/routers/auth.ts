import {
  authSession,
  loginInput,
  logoutInput,
  me,
  refreshInput,
  accountExport,
  changePasswordInput,
  deleteAccountInput,
  deviceSession,
  registerInput,
  revokeSessionInput,
  updateProfileInput,
  type AuthSession,
} from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { Context } from '../context';
import { deleteAccount, exportAccount } from '../services/account';
import * as auth from '../services/auth';
import { updateProfile } from '../services/profile';
import { changePassword, listSessions, revokeSessions } from '../services/sessions';
import { authedProcedure, ipKey, publicProcedure, rateLimited, router } from '../trpc';

export const REFRESH_COOKIE = 'pigeon_refresh';

/**
 * Runs a check of the caller's password under the login limits: refused once the account has
 * failed too often, and a wrong password counts as one more failure.
 */
async function withPasswordThrottle<T>(
  ctx: Context & { viewer: { userId: string } },
  check: () => Promise<T>,
) {
  const account = `user:${ctx.viewer.userId}`;
  const streak = backoffKey(ctx, account);
  await ctx.rateLimits.check('loginFailuresPerAccount', account);
  await ctx.rateLimits.backoff.check(streak);
  try {
    const result = await check();
    await ctx.rateLimits.backoff.succeeded(streak);
    return result;
  } catch (err) {
    if (err instanceof TRPCError && err.code === 'FORBIDDEN') {
      await Promise.allSettled([
        ctx.rateLimits.consume('loginFailuresPerAccount', account),
        ctx.rateLimits.backoff.failed(streak),
      ]);
    }
    throw err;
  }
}

/**
 * Back-off is per account *and* address: a guesser elsewhere slows themselves down, not the
 * owner logging in from home (the per-account cap still stops a spread-out attack).
 */
const backoffKey = (ctx: Context, account: string) => `${account}|${ipKey(ctx)}`;

/** Moves the refresh token from the response body into the httpOnly cookie. */
function deliver(ctx: Context, session: AuthSession, cookie: boolean): AuthSession {
  if (!cookie || session.refreshToken === null) return session;
  if (!ctx.cookies) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'Cookie sessions need an HTTP request.' });
  }
  const maxAge = Math.floor((Date.parse(session.refreshTokenExpiresAt) - Date.now()) / 1000);
  ctx.cookies.set(REFRESH_COOKIE, session.refreshToken, maxAge);
  return { ...session, refreshToken: null };
}

export const authRouter = router({
  register: publicProcedure
    .use(rateLimited('registrationsPerIp', 'ip'))
    .input(registerInput)
    .output(authSession)
    .mutation(async ({ ctx, input }) =>
      deliver(ctx, await auth.register(ctx.db, ctx.tokens, input, ctx.userAgent), input.cookie),
    ),
  /**
   * Wrong passwords are counted per account and per address; past the limit, further tries are
   * refused before the password is even checked. A success clears the account's count.
   */
  login: publicProcedure
    .input(loginInput)
    .output(authSession)
    .mutation(async ({ ctx, input }) => {
      const account = `account:${input.username.toLowerCase()}`;
      const streak = backoffKey(ctx, account);
      await ctx.rateLimits.check('loginFailuresPerAccount', account);
      await ctx.rateLimits.check('loginFailuresPerIp', ipKey(ctx));
      await ctx.rateLimits.backoff.check(streak);
      try {
        const session = await auth.login(ctx.db, ctx.tokens, input, ctx.userAgent);
        await Promise.all([
          ctx.rateLimits.reset('loginFailuresPerAccount', account),
          ctx.rateLimits.backoff.succeeded(streak),
        ]);
        return deliver(ctx, session, input.cookie);
      } catch (err) {
        if (err instanceof TRPCError && err.code === 'UNAUTHORIZED') {
          // Counting the failure may itself hit the limit; the answer stays "wrong password".
          await Promise.allSettled([
            ctx.rateLimits.consume('loginFailuresPerAccount', account),
            ctx.rateLimits.consume('loginFailuresPerIp', ipKey(ctx)),
            ctx.rateLimits.backoff.failed(streak),
          ]);
        }
        throw err;
      }
    }),
  refresh: publicProcedure
    .input(refreshInput)
    .output(authSession)
    .mutation(async ({ ctx, input }) => {
      const fromCookie = input.refreshToken === undefined;
      const token = input.refreshToken ?? ctx.cookies?.get(REFRESH_COOKIE);
      if (!token) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Log in first.' });
      const outcome = await auth.refresh(ctx.db, ctx.tokens, token).catch((err: unknown) => {
        if (fromCookie) ctx.cookies?.clear(REFRESH_COOKIE);
        throw err;
      });
      if (outcome.kind === 'rotated') return deliver(ctx, outcome.session, fromCookie);
      if (fromCookie) ctx.cookies?.clear(REFRESH_COOKIE);
      if (outcome.kind === 'reused') {
        ctx.outbox.sessionsEnded([outcome.endedSessionId]);
        throw new TRPCError({
          code: 'UNAUTHORIZED',
          message:
            'This sign-in was used from somewhere else, so it has been ended for safety. Log in again.',
        });
      }
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This session has ended; log in again.' });
    }),
  logout: authedProcedure.input(logoutInput).mutation(async ({ ctx }) => {
    await auth.logout(ctx.db, ctx.viewer.sessionId);
    ctx.cookies?.clear(REFRESH_COOKIE);
    ctx.outbox.sessionsEnded([ctx.viewer.sessionId]);
    return { ok: true as const };
  }),
  /** Where you are logged in: one entry per device, the current one marked. */
  sessions: authedProcedure
    .output(z.array(deviceSession))
    .query(({ ctx }) => listSessions(ctx.db, ctx.viewer)),
  revokeSession: authedProcedure.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
    const ended = await revokeSessions(ctx.db, ctx.viewer.userId, { only: input.sessionId });
    if (ended.length === 0) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such session of yours.' });
    ctx.outbox.sessionsEnded(ended);
    return { ended: ended.length };
  }),
  revokeOtherSessions: authedProcedure.mutation(async ({ ctx }) => {
    const ended = await revokeSessions(ctx.db, ctx.viewer.userId, { allBut: ctx.viewer.sessionId });
    ctx.outbox.sessionsEnded(ended);
    return { ended: ended.length };
  }),
  /** Deletes the caller's account (password required); see services/account.ts for what stays. */
  deleteAccount: authedProcedure.input(deleteAccountInput).mutation(async ({ ctx, input }) => {
    const { endedSessions } = await withPasswordThrottle(ctx, () =>
      deleteAccount(ctx, ctx.viewer.userId, input.password),
    );
    ctx.cookies?.clear(REFRESH_COOKIE);
    ctx.outbox.sessionsEnded(endedSessions);
    return { deleted: true as const };
  }),
  /** Everything the caller may take away, as JSON. */
  exportData: authedProcedure
    .output(accountExport)
    .query(({ ctx }) => exportAccount(ctx.db, ctx.viewer.userId)),
  /** Needs the current password; logs out every other session. */
  changePassword: authedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    const ended = await withPasswordThrottle(ctx, () => changePassword(ctx.db, ctx.viewer, input));
    ctx.outbox.sessionsEnded(ended);
    return { ended: ended.length };
  }),
  me: authedProcedure.output(me).query(({ ctx }) => auth.getMe(ctx.db, ctx.viewer.userId)),
  /** A new username and/or email; friends see the new name live. */
  updateProfile: authedProcedure
    .input(updateProfileInput)
    .output(me)
    .mutation(({ ctx, input }) => updateProfile(ctx, ctx.viewer.userId, input)),
});
