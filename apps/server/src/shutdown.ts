import type { Server } from 'node:http';
import type { Logger } from './logger';
import type { Readiness } from './readiness';
import type { WebSocketEndpoint } from './ws/websocket-server';

/** The WebSocket close code for "service restart": clients reconnect, to another instance. */
const SERVICE_RESTART = 1012;

export interface ShutdownPlan {
  /** Turned to draining first, so probes and upgrades see it at once. */
  lifecycle: { readiness: Readiness };
  http: Server;
  websockets: WebSocketEndpoint;
  /** How long open connections get to end on their own before they are cut. */
  graceMs: number;
  /** Closes the pools once no connection is left to use them. */
  closeDependencies: () => Promise<void>;
  log: Logger;
}

/**
 * Graceful stop: accept nothing new, ask WebSocket clients to reconnect elsewhere, let open
 * requests finish within the grace time, then close the WebSocket server and the pools.
 */
export async function shutDownGracefully(plan: ShutdownPlan): Promise<void> {
  const { http, websockets, log } = plan;
  plan.lifecycle.readiness = 'draining';
  log.info({}, 'draining');
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  websockets.broadcastReconnectNotification();
  http.closeIdleConnections();
  // Give clients a moment to move, then end what is left.
  const grace = setTimeout(() => {
    for (const client of websockets.clients) client.terminate();
    http.closeAllConnections();
  }, plan.graceMs);
  for (const client of websockets.clients) client.close(SERVICE_RESTART, 'server restarting');
  // Server-Sent Event streams too, so they resume elsewhere now rather than after the grace time.
  websockets.connections.closeAll(SERVICE_RESTART, 'server restarting');
  await closed;
  clearTimeout(grace);
  websockets.close();
  await plan.closeDependencies();
  log.info({}, 'stopped');
}
