import type { Server } from 'node:http';
import { appRouter, createContext, type ApiDeps, type Context } from '@pigeon/api';
import { applyWSSHandler, type CreateWSSContextFnOptions } from '@trpc/server/adapters/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerConfig } from '../config';
import { clientAddress, requestIdOf } from '../http/request';
import type { ProcedureErrorHandler } from '../procedure-errors';
import type { Readiness } from '../readiness';
import { sendFramesPerTurn } from './frames-per-turn';
import { takeSendsFromSocket } from './send-lane';
import { SocketRegistry } from './socket-registry';
import { acceptUpgrades } from './upgrade';

const MAX_WS_MESSAGE_BYTES = 256 * 1024;

/** The WebSocket side of the server, as far as shutting down needs it. */
export interface WebSocketEndpoint {
  /** Every open socket, authenticated or not. */
  readonly clients: ReadonlySet<WebSocket>;
  /** The instance's long-lived connections (the event streams over SSE join them). */
  readonly connections: SocketRegistry;
  /** Asks every client, in tRPC's own message, to reconnect (to another instance). */
  broadcastReconnectNotification(): void;
  /** Stops the WebSocket server and its listening for ended sessions. */
  close(): void;
}

export interface WebSocketOptions {
  deps: ApiDeps;
  config: Pick<ServerConfig, 'wsAuthTimeoutMs' | 'wsMaxConnectionsPerUser' | 'trustProxy'>;
  readiness: () => Readiness;
  allowedOrigins: ReadonlySet<string>;
  onError: ProcedureErrorHandler;
  /** Called for each `messages.send` the send lane takes from a socket (send-lane.ts). */
  onLaneSend: () => void;
}

/** The API over WebSockets on the HTTP server's port: upgrades on /trpc, with keep-alive. */
export function attachWebSocketServer(http: Server, opts: WebSocketOptions): WebSocketEndpoint {
  const { deps, config } = opts;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  const sockets = new SocketRegistry({
    authTimeoutMs: config.wsAuthTimeoutMs ?? 10_000,
    // Tabs and devices of one person, with room to spare; more is a runaway client.
    maxSocketsPerUser: config.wsMaxConnectionsPerUser ?? 20,
  });
  const stopRevocations = deps.bus.onRevokedSessions((sessionIds) => {
    deps.sessionStatus.forget(sessionIds);
    sockets.closeSessions(sessionIds);
  });
  // Each connection's context, once tRPC has made it: the send lane answers with it.
  const contexts = new WeakMap<WebSocket, Context>();
  wss.on('connection', (ws, req) => {
    sendFramesPerTurn(ws, req.socket);
    sockets.awaitAuthentication(ws);
    takeSendsFromSocket(ws, (socket) => contexts.get(socket), opts.onError, opts.onLaneSend);
  });
  acceptUpgrades(http, wss, { readiness: opts.readiness, allowedOrigins: opts.allowedOrigins });

  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 10_000 },
    createContext: connectionContext(deps, sockets, contexts, config.trustProxy),
    onError: opts.onError,
  });
  return {
    clients: wss.clients,
    connections: sockets,
    broadcastReconnectNotification: () => handler.broadcastReconnectNotification(),
    close() {
      wss.close();
      stopRevocations();
    },
  };
}

/**
 * Runs once per connection. It never throws (that makes clients reconnect in a storm): a bad
 * token gives an anonymous context that the auth middleware refuses. A good one admits the socket.
 */
function connectionContext(
  deps: ApiDeps,
  sockets: SocketRegistry,
  contexts: WeakMap<WebSocket, Context>,
  trustProxy: boolean | undefined,
) {
  return async ({ req, res, info }: CreateWSSContextFnOptions) => {
    const ctx = await createContext(deps, {
      accessToken: info.connectionParams?.token,
      userAgent: req.headers['user-agent'],
      requestId: requestIdOf(req, null),
      ip: clientAddress(req, trustProxy),
      connection: { openSubscriptions: 0 },
    });
    // tRPC's adapter hands us the `ws` socket, though its types may not resolve `ws` for us.
    const socket = res as unknown as WebSocket;
    if (ctx.viewer) sockets.admit(socket, ctx.viewer);
    contexts.set(socket, ctx);
    return ctx;
  };
}
