import {
  authSession,
  loginInput,
  logoutInput,
  me,
  refreshInput,
  registerInput,
  updateProfileInput,
  type AuthSession,
} from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import type { Context } from '../context';
import * as auth from '../services/auth';
import { publishDeliveries } from '../services/events';
import { updateProfile } from '../services/profile';
import { authedProcedure, publicProcedure, router } from '../trpc';

export const REFRESH_COOKIE = 'pigeon_refresh';

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
    .input(registerInput)
    .output(authSession)
    .mutation(async ({ ctx, input }) =>
      deliver(ctx, await auth.register(ctx.db, ctx.tokens, input, ctx.userAgent), input.cookie),
    ),
  login: publicProcedure
    .input(loginInput)
    .output(authSession)
    .mutation(async ({ ctx, input }) =>
      deliver(ctx, await auth.login(ctx.db, ctx.tokens, input, ctx.userAgent), input.cookie),
    ),
  refresh: publicProcedure
    .input(refreshInput)
    .output(authSession)
    .mutation(async ({ ctx, input }) => {
      const fromCookie = input.refreshToken === undefined;
      const token = input.refreshToken ?? ctx.cookies?.get(REFRESH_COOKIE);
      if (!token) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Log in first.' });
      try {
        return deliver(ctx, await auth.refresh(ctx.db, ctx.tokens, token), fromCookie);
      } catch (err) {
        if (fromCookie) ctx.cookies?.clear(REFRESH_COOKIE);
        throw err;
      }
    }),
  logout: authedProcedure.input(logoutInput).mutation(async ({ ctx }) => {
    await auth.logout(ctx.db, ctx.viewer.sessionId);
    ctx.cookies?.clear(REFRESH_COOKIE);
    return { ok: true as const };
  }),
  me: authedProcedure.output(me).query(({ ctx }) => auth.getMe(ctx.db, ctx.viewer.userId)),
  /** A new username and/or email; friends see the new name live. */
  updateProfile: authedProcedure
    .input(updateProfileInput)
    .output(me)
    .mutation(async ({ ctx, input }) => {
      const { me: updated, deliveries } = await updateProfile(ctx.db, ctx.viewer.userId, input);
      await publishDeliveries(ctx.bus, ctx.log, deliveries);
      return updated;
    }),
});
