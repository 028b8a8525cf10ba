import type { IncomingMessage, ServerResponse } from 'node:http';
import { createContext, type ApiDeps, type Context } from '@pigeon/api';
import type { ServerConfig } from '../config';
import { cookieJar } from './cookies';
import { bearer, clientAddress, requestIdOf } from './request';
import { cookieSecureFor } from './transport';

/** Largest request body the API reads, over tRPC and REST alike. */
export const MAX_BODY_BYTES = 256 * 1024;

export type HttpContextConfig = Pick<ServerConfig, 'cookieSecure' | 'trustProxy'>;

/**
 * The context of one HTTP request to the API: the bearer token, the cookies, the request id and
 * the caller's address. tRPC over HTTP, REST and the event stream all build it here, so a token
 * is checked the same way whichever door it comes through.
 */
export function httpRequestContext(
  deps: ApiDeps,
  config: HttpContextConfig,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Context> {
  return createContext(deps, {
    accessToken: bearer(req.headers.authorization),
    userAgent: req.headers['user-agent'],
    cookies: cookieJar(req, res, cookieSecureFor(req, config)),
    requestId: requestIdOf(req, res),
    ip: clientAddress(req, config.trustProxy),
  });
}
