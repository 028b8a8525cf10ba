import type { RequestListener } from 'node:http';
import { appRouter, createContext, RetryAfter, type ApiDeps } from '@pigeon/api';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { ServerConfig } from '../config';
import type { Logger } from '../logger';
import type { ProcedureErrorHandler } from '../procedure-errors';
import { cookieJar } from './cookies';
import { bearer, clientAddress, requestIdOf } from './request';
import { cookieSecureFor, plainHttpWatcher } from './transport';

const MAX_BODY_BYTES = 256 * 1024;

/** The API over HTTP, under /trpc/: a bearer token, the refresh cookie, Retry-After on limits. */
export function trpcHttpHandler(
  deps: ApiDeps,
  config: Pick<ServerConfig, 'cookieSecure' | 'trustProxy'>,
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
      return createContext(deps, {
        accessToken: bearer(req.headers.authorization),
        userAgent: req.headers['user-agent'],
        cookies: cookieJar(req, res, cookieSecureFor(req, config)),
        requestId: requestIdOf(req, res),
        ip: clientAddress(req, config.trustProxy),
      });
    },
    // A refused-for-rate answer says when to come back, in the header HTTP clients know.
    responseMeta({ errors }) {
      const waits = errors.flatMap((e) => (e.cause instanceof RetryAfter ? [e.cause.seconds] : []));
      return waits.length > 0 ? { headers: { 'retry-after': String(Math.max(...waits)) } } : {};
    },
    onError,
  });
}
