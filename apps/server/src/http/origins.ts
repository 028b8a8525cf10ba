import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Whether a request may come from the page that sent it. Browsers name that page in `Origin`;
 * the app's own origin (same host as the request) and the configured allow-list may call, any
 * other site may not: no cross-site WebSocket hijacking, no cross-site API use. Requests without
 * an Origin come from non-browser clients (bots, the CLI), which hold their own tokens.
 */
export function originAllowed(req: IncomingMessage, allowList: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowList.has(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * CORS for the API: an allowed foreign origin gets the headers to read answers (and send the
 * refresh cookie); a preflight is answered here. Returns true when the request is fully handled.
 */
export function applyCors(
  req: IncomingMessage,
  res: ServerResponse,
  allowList: ReadonlySet<string>,
): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || !allowList.has(origin)) return false;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-allow-credentials', 'true');
  res.setHeader('vary', 'Origin');
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, DELETE',
    'access-control-allow-headers': 'authorization, content-type, x-request-id, trpc-accept, last-event-id',
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}
