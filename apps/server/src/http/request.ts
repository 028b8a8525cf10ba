import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The path of a request, without its query. */
export function pathOf(req: IncomingMessage): string | undefined {
  return (req.url ?? '/').split('?')[0];
}

/** The token of an `Authorization: Bearer …` header. */
export function bearer(header: string | undefined): string | null {
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
}

/** NGINX's X-Request-Id when it is sane, else a new one; echoed so clients can quote it. */
export function requestIdOf(req: IncomingMessage, res: ServerResponse | null): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
  res?.setHeader('x-request-id', id);
  return id;
}

/** The caller's address: the trusted proxy's X-Real-IP, else the socket's peer. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean | undefined): string | null {
  const forwarded = req.headers['x-real-ip'];
  if (trustProxy && typeof forwarded === 'string' && forwarded.length <= 64) return forwarded;
  return req.socket.remoteAddress ?? null;
}
