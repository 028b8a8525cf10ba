import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

/**
 * Headers for the web app's pages: no inline scripts, no framing, no sniffing. Vite emits
 * external scripts and styles only, so `'self'` is enough.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Answers a request for the app, or calls `next` for a path that is not there. */
export type WebApp = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Serves the built single-page app; unknown paths get index.html so client routes work on reload. */
export function webApp(dir: string): WebApp {
  const assets = sirv(dir, {
    single: true,
    etag: true,
    immutable: true,
    setHeaders(res, pathname) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      // Hashed assets never change; the HTML must be revalidated to pick up new ones.
      if (!pathname.startsWith('/assets/')) res.setHeader('cache-control', 'no-cache');
    },
  });
  return (req, res, next) => assets(req, res, next);
}
