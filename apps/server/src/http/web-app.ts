import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';
import { pathOf } from './request';

/**
 * Headers for the web app's pages: no inline scripts, no framing, no sniffing. Vite emits
 * external scripts and styles only, so `'self'` is enough. Images, sounds and videos may also be
 * `blob:` URLs the app made itself: attachments fetched with the Bearer token, and the photo being
 * cropped, shown from the chosen file before it is uploaded.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Vite puts content-hashed files here: a changed file gets a new name, so caches may keep them. */
const HASHED = '/assets/';
export const HASHED_ASSET_CACHE = 'public, max-age=31536000, immutable';

/** Answers a request for the app, or calls `next` for a path that is not there. */
export type WebApp = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * Serves the built single-page app; unknown paths get index.html so client routes work on reload.
 * The build holds brotli and gzip copies (app.js.br, app.js.gz, apps/web/precompress.ts): the
 * best one the browser accepts is sent as it is, with `Vary: Accept-Encoding`.
 */
export function webApp(dir: string): WebApp {
  const assets = sirv(dir, {
    single: true,
    etag: true,
    brotli: true,
    gzip: true,
    setHeaders(res, pathname) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      // The HTML (and whatever else keeps its name) must be revalidated to pick up new assets.
      res.setHeader('cache-control', pathname.startsWith(HASHED) ? HASHED_ASSET_CACHE : 'no-cache');
    },
  });
  return (req, res, next) => {
    // Source maps stay on the server's disk for its operators; the public gets no source.
    if (pathOf(req)?.endsWith('.map')) return next();
    assets(req, res, next);
  };
}
