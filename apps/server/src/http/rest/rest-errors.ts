import type { ServerResponse } from 'node:http';
import { appRouter, RetryAfter, type Context } from '@pigeon/api';
import { getTRPCErrorFromUnknown, getTRPCErrorShape, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { z } from 'zod';
import type { ProcedureErrorHandler } from '../../procedure-errors';
import { sendJson } from '../respond';

/** Every REST error answers this shape, with the status tRPC would give the same code. */
export const restError = z.object({
  error: z.object({
    /** tRPC's code: BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_MANY_REQUESTS, … */
    code: z.string(),
    /** A sentence for people (validation messages joined). */
    message: z.string(),
    /** Per input field, for forms; null unless the input was invalid. */
    fieldErrors: z.record(z.string(), z.array(z.string())).nullable(),
    /** With TOO_MANY_REQUESTS: also in the Retry-After header. */
    retryAfterSeconds: z.number().int().nullable(),
    /** With UNAUTHORIZED from /auth/token: the password was right; send a code with this. */
    secondFactorChallenge: z.object({ challenge: z.string(), expiresAt: z.string() }).nullable(),
    requestId: z.string().nullable(),
  }),
});
export type RestError = z.infer<typeof restError>;

/**
 * Answers a failed call: the error goes through the router's own error formatter (the same
 * messages as over tRPC) and is reported like any failed procedure.
 */
export function sendRestError(
  res: ServerResponse,
  thrown: unknown,
  call: {
    path: string | undefined;
    ctx: Context | undefined;
    input: unknown;
    onError: ProcedureErrorHandler;
  },
) {
  const error = getTRPCErrorFromUnknown(thrown);
  call.onError({ error, path: call.path, ctx: call.ctx });
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: 'unknown',
    path: call.path,
    input: call.input,
    ctx: call.ctx,
  });
  if (error.cause instanceof RetryAfter) res.setHeader('retry-after', String(error.cause.seconds));
  const body: RestError = {
    error: {
      code: error.code,
      message: shape.message,
      fieldErrors: shape.data.zodError ? definedOnly(shape.data.zodError.fieldErrors) : null,
      retryAfterSeconds: shape.data.retryAfterSeconds,
      secondFactorChallenge: shape.data.secondFactorChallenge,
      requestId: call.ctx?.requestId ?? null,
    },
  };
  if (!res.headersSent) sendJson(res, getHTTPStatusCodeFromError(error), body);
  else res.end();
}

/** A REST error of the server's own making (no route, wrong method). */
export function restFailure(code: TRPCError['code'], message: string): TRPCError {
  return new TRPCError({ code, message });
}

function definedOnly(fields: Record<string, string[] | undefined>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(fields).flatMap(([k, v]) => (v ? [[k, v]] : [])));
}
