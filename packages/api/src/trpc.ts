import { initTRPC, TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';
import type { Context } from './context';

const t = initTRPC.context<Context>().create({
  // Stack traces stay in the server's logs, never in responses.
  isDev: false,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      // Zod's default message is its issue list as JSON; people get the sentences instead.
      message: cause instanceof ZodError ? cause.issues.map((i) => i.message).join(' ') : shape.message,
      data: {
        ...shape.data,
        // Field-level messages the UI can show next to each input.
        zodError:
          cause instanceof ZodError ? z.flattenError(cause as ZodError<Record<string, unknown>>) : null,
      },
    };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;

/** Every procedure that touches user data goes through here: a live token, checked per call. */
export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  const viewer = ctx.viewer;
  if (!viewer) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Log in first.' });
  if (viewer.expiresAt <= Date.now()) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Your access token has expired; refresh it.' });
  }
  return next({ ctx: { ...ctx, viewer } });
});
