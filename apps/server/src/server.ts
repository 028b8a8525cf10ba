import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appRouter, createContext } from '@pigeon/api';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerConfig } from './config';
import type { Logger } from './logger';
import { originAllowed } from './http/origins';
import { readinessProbe } from './http/readiness-probe';
import { routes, startingRoutes } from './http/routes';
import { trpcHttpHandler } from './http/trpc-handler';
import { procedureErrorReporter } from './procedure-errors';
import type { Readiness } from './readiness';
import { wireDependencies } from './wiring';
import { clientAddress, pathOf, requestIdOf } from './http/request';
import { webApp } from './http/web-app';
import { SocketRegistry } from './ws/socket-registry';

const MAX_WS_MESSAGE_BYTES = 256 * 1024;

export interface RunningServer {
  url: string;
  port: number;
  readiness(): Readiness;
  /** Graceful: stop accepting, ask WebSocket clients to reconnect elsewhere, drain, close pools. */
  close(): Promise<void>;
}

/** What requests see of the server: its readiness, and the routes that answer them. */
interface Lifecycle {
  readiness: Readiness;
  route: RequestListener;
}

export async function startServer(config: ServerConfig, log: Logger): Promise<RunningServer> {
  // Listen at once, so orchestrators see "alive, starting" while migrations and connections
  // are under way; every route but the probes answers 503 until the server is ready.
  const state: Lifecycle = {
    readiness: 'starting',
    route: startingRoutes(() => state.readiness),
  };
  const http = createServer((req, res) => state.route(req, res));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  try {
    return await finishStart(config, log, http, state);
  } catch (err) {
    await new Promise<void>((resolve) => http.close(() => resolve()));
    throw err;
  }
}

async function finishStart(
  config: ServerConfig,
  log: Logger,
  http: Server,
  state: Lifecycle,
): Promise<RunningServer> {
  // Assigned below, once the WebSocket server exists; read only at scrape time.
  let openConnections = () => 0;
  const dependencies = await wireDependencies(config, log, () => openConnections());
  const { deps, database, metrics } = dependencies;
  const { bus } = deps;

  const allowedOrigins = new Set(config.allowedOrigins ?? []);
  const clientIp = (req: IncomingMessage) => clientAddress(req, config.trustProxy);

  const onError = procedureErrorReporter(metrics, log);
  state.route = routes({
    readinessProbe: readinessProbe(() => state.readiness, {
      database: () => database.ping(),
      bus: () => bus.ping(),
    }),
    metrics: metrics.registry,
    trpc: trpcHttpHandler(deps, {
      cookieSecure: config.cookieSecure,
      trustProxy: config.trustProxy,
      onError,
    }),
    allowedOrigins,
    webApp: config.webDist ? webApp(config.webDist) : null,
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  openConnections = () => wss.clients.size;
  const sockets = new SocketRegistry({
    authTimeoutMs: config.wsAuthTimeoutMs ?? 10_000,
    // Tabs and devices of one person, with room to spare; more is a runaway client.
    maxSocketsPerUser: config.wsMaxConnectionsPerUser ?? 20,
  });
  const stopRevocations = bus.onRevokedSessions((sessionIds) => {
    deps.sessionStatus.forget(sessionIds);
    sockets.closeSessions(sessionIds);
  });
  wss.on('connection', (ws) => sockets.awaitAuthentication(ws));
  http.on('upgrade', (req, socket, head) => {
    const path = pathOf(req);
    if (state.readiness !== 'ready' || (path !== '/trpc' && path !== '/trpc/')) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
      return;
    }
    if (!originAllowed(req, allowedOrigins)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 10_000 },
    // Runs once per connection. It never throws (that makes clients reconnect in a storm):
    // a bad token gives an anonymous context that the auth middleware refuses.
    createContext: async ({ req, res, info }) => {
      const token = info.connectionParams?.token;
      const ctx = await createContext(deps, {
        accessToken: token,
        userAgent: req.headers['user-agent'],
        requestId: requestIdOf(req, null),
        ip: clientIp(req),
        connection: { openSubscriptions: 0 },
      });
      // tRPC's adapter hands us the `ws` socket, though its types may not resolve `ws` for us.
      const socket = res as unknown as WebSocket;
      if (ctx.viewer) sockets.admit(socket, ctx.viewer);
      return ctx;
    },
    onError,
  });

  state.readiness = 'ready';
  const { port } = http.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info(
    { url, bus: config.redis ? 'redis' : 'in-process', web: config.webDist ?? null },
    'pigeon listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    readiness: () => state.readiness,
    close() {
      closing ??= (async () => {
        state.readiness = 'draining';
        log.info({}, 'draining');
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        wsHandler.broadcastReconnectNotification();
        http.closeIdleConnections();
        // Give clients a moment to move, then end what is left.
        const grace = setTimeout(() => {
          for (const client of wss.clients) client.terminate();
          http.closeAllConnections();
        }, config.shutdownGraceMs);
        for (const client of wss.clients) client.close(1012, 'server restarting');
        await closed;
        clearTimeout(grace);
        wss.close();
        stopRevocations();
        await dependencies.close();
        log.info({}, 'stopped');
      })();
      return closing;
    },
  };
}
