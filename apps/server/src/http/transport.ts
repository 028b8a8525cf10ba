import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ServerConfig } from '../config';
import type { Logger } from '../logger';

/**
 * Whether a request reached the user's browser over HTTPS: this server's own TLS, or the
 * `X-Forwarded-Proto` of the proxy in front, believed only when that proxy is trusted
 * (TRUST_PROXY), since any client can send the header.
 */
export function arrivedOverHttps(req: IncomingMessage, trustProxy: boolean | undefined): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted === true) return true;
  if (!trustProxy) return false;
  const forwarded = req.headers['x-forwarded-proto'];
  // A chain of proxies lists one scheme each; the first is the one the browser used.
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first?.toLowerCase() === 'https';
}

/**
 * The refresh cookie's `Secure` flag. `auto` follows how the request arrived: a `Secure` cookie
 * sent over plain HTTP is dropped by the browser, which silently logs the user out on reload.
 */
export function cookieSecureFor(
  req: IncomingMessage,
  config: Pick<ServerConfig, 'cookieSecure' | 'trustProxy'>,
): boolean {
  return config.cookieSecure === 'auto' ? arrivedOverHttps(req, config.trustProxy) : config.cookieSecure;
}

/** Loopback names and addresses, which browsers treat as secure even over plain HTTP. */
export function isLocalHost(host: string): boolean {
  // host[:port], [v6]:port, or a bare v6 address (which has colons of its own).
  const bracketed = /^\[(.*)\](:\d+)?$/.exec(host);
  const name = (
    bracketed ? (bracketed[1] ?? '') : host.split(':').length > 2 ? host : host.replace(/:\d+$/, '')
  ).toLowerCase();
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(name) ||
    name === '::ffff:127.0.0.1'
  );
}

const PLAIN_HTTP_ADVICE =
  'browsers treat such a page as insecure: passwords cross the network readable, and with COOKIE_SECURE=true every reload logs users out. Put the TLS proxy in front (docs/self-hosting.md).';

/** The warning to give at start, when this server listens on a non-local address with no TLS proxy. */
export function startupTransportWarning(
  config: Pick<ServerConfig, 'host' | 'trustProxy' | 'cookieSecure'>,
): string | null {
  if (isLocalHost(config.host) || config.trustProxy) return null;
  return `Serving plain HTTP on ${config.host}, reachable from other machines, without a trusted TLS proxy in front (TRUST_PROXY=false): ${PLAIN_HTTP_ADVICE}`;
}

/**
 * Logs once per process that a browser reached the API over plain HTTP under a non-local name:
 * a deployment without TLS, which the start-up check cannot see behind a proxy.
 */
export function plainHttpWatcher(
  log: Logger,
  config: Pick<ServerConfig, 'trustProxy'>,
): (req: IncomingMessage) => void {
  let warned = false;
  return (req) => {
    if (warned || req.headers.origin === undefined) return;
    const host = req.headers.host ?? '';
    if (host === '' || isLocalHost(host) || arrivedOverHttps(req, config.trustProxy)) return;
    warned = true;
    log.warn({ host }, `A browser reached Pigeon over plain HTTP at ${host}: ${PLAIN_HTTP_ADVICE}`);
  };
}
