import { users } from '@pigeon/db';
import { initTRPC, TRPCError, type TRPCProcedureType } from '@trpc/server';
import { and, eq, isNull } from 'drizzle-orm';
import { z, ZodError } from 'zod';
import { internalErrorMessage } from './client-errors';
import { isConnectionError } from './connection-errors';
import type { Context } from './context';
import { flushOutbox, Outbox } from './core/changes';
import type { Viewer } from './core/types';
import { ipKey, RetryAfter, type LimitName } from './rate-limits';
import { SecondFactorNeeded } from './second-factor-needed';

const t = initTRPC.context<Context>().create({
  // Stack traces stay in the server's logs, never in responses.
  isDev: false,
  // Used by every adapter that answers through tRPC (HTTP, WebSocket, and tRPC's own helpers).
  errorFormatter({ shape, error, ctx }) {
    const requestId = ctx?.requestId ?? null;
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      // A fault of ours (a failed query, a bug, an output that failed its schema): its message may
      // hold SQL, parameters or paths. The log keeps them (apps/server/src/procedure-errors.ts).
      return {
        ...shape,
        message: internalErrorMessage(requestId),
        data: {
          ...shape.data,
          requestId,
          zodError: null,
          retryAfterSeconds: null,
          secondFactorChallenge: null,
        },
      };
    }
    const cause = error.cause;
    return {
      ...shape,
      // Zod's default message is its issue list as JSON; people get the sentences instead.
      message: cause instanceof ZodError ? cause.issues.map((i) => i.message).join(' ') : shape.message,
      data: {
        ...shape.data,
        /** Ties the answer to the server's log lines of this request (or WebSocket connection). */
        requestId,
        // Field-level messages the UI can show next to each input.
        zodError:
          cause instanceof ZodError ? z.flattenError(cause as ZodError<Record<string, unknown>>) : null,
        /** With TOO_MANY_REQUESTS: how long to wait before trying again. */
        retryAfterSeconds: cause instanceof RetryAfter ? cause.seconds : null,
        /** With UNAUTHORIZED from `auth.login`: the password was right; send a code with this. */
        secondFactorChallenge: cause instanceof SecondFactorNeeded ? cause.challenge : null,
      },
    };
  },
});

export const router = t.router;
/** Calls procedures in-process, with a context of the caller's making (tests). */
export const createCallerFactory = t.createCallerFactory;

/** An outage is not a bug: callers get SERVICE_UNAVAILABLE (retry later), not a bare 500. */
function outageAnswer(cause: unknown): TRPCError {
  return new TRPCError({
    code: 'SERVICE_UNAVAILABLE',
    message: 'The database cannot be reached right now; nothing was saved. Try again shortly.',
    cause,
  });
}

const outagesAreUnavailable = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR' && isConnectionError(result.error.cause)) {
    throw outageAnswer(result.error.cause);
  }
  return result;
});

/**
 * Gives the call an outbox, and once the call is over tells the bus of whatever it committed:
 * the only place events are published (see core/changes.ts). A call that fails after a commit
 * still announces that commit.
 */
const announcesCommittedChanges = t.middleware(async ({ ctx, next }) => {
  const outbox = new Outbox();
  try {
    return await next({ ctx: { outbox } });
  } finally {
    await flushOutbox(outbox, ctx);
  }
});

export const publicProcedure = t.procedure.use(outagesAreUnavailable).use(announcesCommittedChanges);

/**
 * Every procedure that touches user data goes through here: a live token, checked per call. A
 * read-only API token is refused every mutation here, the one place, so no procedure can forget
 * it; queries and subscriptions are reads.
 */
export const authedProcedure = publicProcedure.use(({ ctx, next, type }) => {
  const viewer = liveViewer(ctx.viewer, type);
  return next({ ctx: { ...ctx, viewer } });
});

/**
 * The caller of an operation of this type, or the error that refuses it: the rules of
 * `authedProcedure`, also for the few writes that arrive outside tRPC (avatar uploads).
 */
export function liveViewer(viewer: Viewer | null, type: TRPCProcedureType): Viewer {
  if (!viewer) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Log in first.' });
  if (viewer.expiresAt <= Date.now()) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: viewer.apiToken
        ? 'This API token has expired; make a new one.'
        : 'Your access token has expired; refresh it.',
    });
  }
  if (viewer.apiToken?.scope === 'read' && type === 'mutation') {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'This API token may only read; it cannot make changes.',
    });
  }
  return viewer;
}

/**
 * `authedProcedure.use(rateLimited(name))` as one middleware, for the calls sent most often
 * (message sends, typing, presence heartbeats): the same checks in the same order — outages
 * answered SERVICE_UNAVAILABLE, an outbox flushed after the call, a live token, one unit of the
 * caller's `name` budget — but tRPC copies a call's options (and, for each `next({ ctx })`, the
 * whole context) once per middleware, which was 12–16 % of an instance's CPU at a thousand sends
 * a second (docs/benchmarks.md, "Issue 18, 2026-12-06 evening").
 */
export function authedLimitedProcedure(name: LimitName) {
  return t.procedure.use(({ ctx, next, type }) =>
    limitedCall(ctx, type, name, async (callCtx) => {
      const result = await next({ ctx: callCtx });
      // As a thrown error would be below: tRPC hands a resolver's failure back as a result.
      if (
        !result.ok &&
        result.error.code === 'INTERNAL_SERVER_ERROR' &&
        isConnectionError(result.error.cause)
      )
        throw outageAnswer(result.error.cause);
      return result;
    }),
  );
}

/**
 * The rules of `authedLimitedProcedure` around `run`, for whoever calls a procedure's body
 * without tRPC (the WebSocket's send lane, apps/server/src/ws/send-lane.ts): a live token, one
 * unit of the caller's `name` budget, an outbox flushed after the call, outages answered
 * SERVICE_UNAVAILABLE.
 */
export async function limitedCall<T>(
  ctx: Context,
  type: TRPCProcedureType,
  name: LimitName,
  run: (callCtx: { outbox: Outbox; viewer: Viewer }) => Promise<T>,
): Promise<T> {
  const outbox = new Outbox();
  try {
    const viewer = liveViewer(ctx.viewer, type);
    await ctx.rateLimits.consume(name, viewer.userId);
    return await run({ outbox, viewer });
  } catch (error) {
    // As outagesAreUnavailable sees an error thrown by a middleware inside it.
    if (!(error instanceof TRPCError) && isConnectionError(error)) throw outageAnswer(error);
    throw error;
  } finally {
    await flushOutbox(outbox, ctx);
  }
}

/**
 * Managing the account itself (password, email, deletion, sessions, API tokens and bots) takes
 * a login: an API token, which may sit in a script or a bot's config, cannot widen its own reach
 * or lock its owner out.
 */
export const loginOnlyProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.viewer.apiToken) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'Only a logged-in session can do this, not an API token.',
    });
  }
  return next();
});

/**
 * The admin page's procedures: the role is read from the database on every call, not the token,
 * and needs a login (an API token, even the admin's, manages nothing).
 */
export const adminProcedure = loginOnlyProcedure.use(async ({ ctx, next }) => {
  const [row] = await ctx.db
    .select({ isAdmin: users.isAdmin })
    .from(users)
    .where(and(eq(users.id, ctx.viewer.userId), isNull(users.deletedAt)));
  if (!row?.isAdmin)
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only the server’s admin can do this.' });
  return next();
});

/** Spends one unit of the caller's budget for `name`: per user, or per address. */
export function rateLimited(name: LimitName, by: 'user' | 'ip' = 'user') {
  return t.middleware(async ({ ctx, next }) => {
    const key = by === 'user' && ctx.viewer ? ctx.viewer.userId : ipKey(ctx.ip);
    await ctx.rateLimits.consume(name, key);
    return next();
  });
}
