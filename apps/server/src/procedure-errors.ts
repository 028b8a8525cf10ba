import type { Logger } from './logger';
import type { Metrics } from './metrics';

/** What the HTTP and the WebSocket adapters of tRPC both report of a failed procedure. */
export interface ProcedureFailure {
  error: { code: string; message: string };
  path?: string | undefined;
  ctx?: { requestId: string | null } | undefined;
}

export type ProcedureErrorHandler = (failure: ProcedureFailure) => void;

/** Counts every failed procedure by code; logs only the server's own faults, not callers' mistakes. */
export function procedureErrorReporter(metrics: Metrics, log: Logger): ProcedureErrorHandler {
  return ({ error, path, ctx }) => {
    metrics.procedureFailed(error.code);
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      log.error({ err: error, path, requestId: ctx?.requestId }, 'procedure failed');
    }
  };
}
