import { TRPCClientError } from '@trpc/client';
import { TRPCError } from '@trpc/server';

/**
 * The tRPC error code (`UNAUTHORIZED`, `BAD_REQUEST`, …) of a failure, whether thrown on the
 * server side (`TRPCError`) or received by a client (`TRPCClientError`); undefined for anything else.
 */
export function errorCode(err: unknown): string | undefined {
  if (err instanceof TRPCError) return err.code;
  if (err instanceof TRPCClientError) return (err.data as { code?: string } | undefined)?.code;
  return undefined;
}

/** How a call ended: `'ok'`, or the tRPC error code it failed with. */
export function codeOf(call: Promise<unknown>): Promise<string | undefined> {
  return call.then(
    () => 'ok',
    (err: unknown) => errorCode(err),
  );
}
