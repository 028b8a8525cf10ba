import type { RequestListener } from 'node:http';
import { appRouter, RetryAfter, type ApiDeps } from '@pigeon/api';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Logger } from '../logger';
import type { ProcedureErrorHandler } from '../procedure-errors';
import { httpRequestContext, MAX_BODY_BYTES, type HttpContextConfig } from './request-context';
import { plainHttpWatcher } from './transport';

/** The API over HTTP, under /trpc/: a bearer token, the refresh cookie, Retry-After on limits. */
export function trpcHttpHandler(
  deps: ApiDeps,
  config: HttpContextConfig,
  onError: ProcedureErrorHandler,
  log: Logger,
): RequestListener {
  const watchPlainHttp = plainHttpWatcher(log, config);
  return createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req, res }) => {
      watchPlainHttp(req);
      return httpRequestContext(deps, config, req, res);
    },
    // A refused-for-rate answer says when to come back, in the header HTTP clients know.
    responseMeta({ errors }) {
      const waits = errors.flatMap((e) => (e.cause instanceof RetryAfter ? [e.cause.seconds] : []));
      return waits.length > 0 ? { headers: { 'retry-after': String(Math.max(...waits)) } } : {};
    },
    onError,
  });
}
