import type { Server } from 'node:http';
import type { WebSocketServer } from 'ws';
import { originAllowed } from '../http/origins';
import { pathOf } from '../http/request';
import type { Readiness } from '../readiness';

/**
 * Hands HTTP upgrades to /trpc to the WebSocket server while the server is ready; anything else
 * gets 503, and a page of a foreign origin 403 (no cross-site WebSocket hijacking).
 */
export function acceptUpgrades(
  http: Server,
  wss: WebSocketServer,
  opts: { readiness: () => Readiness; allowedOrigins: ReadonlySet<string> },
): void {
  http.on('upgrade', (req, socket, head) => {
    const path = pathOf(req);
    if (opts.readiness() !== 'ready' || (path !== '/trpc' && path !== '/trpc/')) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
      return;
    }
    if (!originAllowed(req, opts.allowedOrigins)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
}
