import type { RequestListener, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Readiness } from '../readiness';
import { applyCors, originAllowed } from './origins';
import { pathOf } from './request';
import { sendJson } from './respond';
import type { WebApp } from './web-app';

/** While the server starts: alive for /healthz, 503 with the readiness for everything else. */
export function startingRoutes(readiness: () => Readiness): RequestListener {
  return (req, res) => {
    const path = pathOf(req);
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    sendJson(res, 503, { status: readiness() });
  };
}

export interface RouteHandlers {
  readinessProbe: (res: ServerResponse) => Promise<void>;
  metrics: Registry;
  /** The API, reached from the app's own origin, an allowed one, or no browser at all. */
  trpc: RequestListener;
  /** REST, the SSE event stream, the OpenAPI document and its reference page, under /api/. */
  api: RequestListener;
  allowedOrigins: ReadonlySet<string>;
  /** The built web app, or null to serve none. */
  webApp: WebApp | null;
}

/** The route table of a ready server: probes, metrics, the API, then the web app; else 404. */
export function routes(handlers: RouteHandlers): RequestListener {
  const { allowedOrigins, webApp } = handlers;
  return (req, res) => {
    const path = pathOf(req);
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') return void handlers.readinessProbe(res);
    if (path === '/metrics') return serveMetrics(handlers.metrics, res);
    if (path?.startsWith('/trpc/')) {
      if (!originAllowed(req, allowedOrigins)) return sendJson(res, 403, { error: 'Origin not allowed' });
      if (applyCors(req, res, allowedOrigins)) return;
      return handlers.trpc(req, res);
    }
    if (path?.startsWith('/api/')) {
      if (!originAllowed(req, allowedOrigins)) return sendJson(res, 403, { error: 'Origin not allowed' });
      if (applyCors(req, res, allowedOrigins)) return;
      return handlers.api(req, res);
    }
    const notFound = () => sendJson(res, 404, { error: 'Not found' });
    if (webApp && (req.method === 'GET' || req.method === 'HEAD')) return webApp(req, res, notFound);
    notFound();
  };
}

function serveMetrics(registry: Registry, res: ServerResponse) {
  void registry.metrics().then((text) => {
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(text);
  });
}
