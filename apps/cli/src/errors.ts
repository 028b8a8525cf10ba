import { TRPCClientError } from '@pigeon/client';

/** A failure the user can act on: printed as it is, without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
}

/** One line for the terminal: the server's own sentence, or why it could not be reached. */
export function describeError(err: unknown): string {
  if (err instanceof CliError) return err.message;
  if (err instanceof TRPCClientError) {
    const cause = (err.cause as { cause?: { code?: unknown } } | undefined)?.cause;
    if (err.shape === undefined && typeof cause?.code === 'string') {
      return `Cannot reach the server (${cause.code}).`;
    }
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
