import { authSession, loginInput, logoutInput, me, refreshInput, registerInput } from '@pigeon/schema';
import * as auth from '../services/auth';
import { authedProcedure, publicProcedure, router } from '../trpc';

export const authRouter = router({
  register: publicProcedure
    .input(registerInput)
    .output(authSession)
    .mutation(({ ctx, input }) => auth.register(ctx.db, ctx.tokens, input, ctx.userAgent)),
  login: publicProcedure
    .input(loginInput)
    .output(authSession)
    .mutation(({ ctx, input }) => auth.login(ctx.db, ctx.tokens, input, ctx.userAgent)),
  refresh: publicProcedure
    .input(refreshInput)
    .output(authSession)
    .mutation(({ ctx, input }) => auth.refresh(ctx.db, ctx.tokens, input.refreshToken)),
  logout: authedProcedure.input(logoutInput).mutation(async ({ ctx }) => {
    await auth.logout(ctx.db, ctx.viewer.sessionId);
    return { ok: true as const };
  }),
  me: authedProcedure.output(me).query(({ ctx }) => auth.getMe(ctx.db, ctx.viewer.userId)),
});
