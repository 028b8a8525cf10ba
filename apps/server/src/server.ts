import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FileStore } from '@pigeon/media';
import type { ServerConfig } from './config';
import { readinessProbe } from './http/readiness-probe';
import { apiHandler } from './http/rest/api-handler';
import { routes, startingRoutes } from './http/routes';
import { startupTransportWarning } from './http/transport';
import { trpcHttpHandler } from './http/trpc-handler';
import { webApp } from './http/web-app';
import type { Logger } from './logger';
import { procedureErrorReporter } from './procedure-errors';
import type { Readiness } from './readiness';
import { shutDownGracefully } from './shutdown';
import { warmUp } from './warm-up/warm-up';
import { wireDependencies } from './wiring';
import { attachWebSocketServer } from './ws/websocket-server';

export interface RunningServer {
  url: string;
  port: number;
  readiness(): Readiness;
  /** Where this server keeps uploaded files (tests look inside it). */
  files: FileStore;
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
  const state: Lifecycle = { readiness: 'starting', route: startingRoutes(() => state.readiness) };
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
  const readiness = () => state.readiness;
  const allowedOrigins = new Set(config.allowedOrigins ?? []);
  const onError = procedureErrorReporter(metrics, log);

  const websockets = attachWebSocketServer(http, {
    deps,
    config,
    readiness,
    allowedOrigins,
    onError,
    onLaneSend: metrics.laneSendTaken,
  });
  state.route = routes({
    readinessProbe: readinessProbe(readiness, { database, bus: deps.bus, files: deps.files }),
    metrics: metrics.registry,
    trpc: trpcHttpHandler(deps, config, onError, log),
    api: apiHandler({
      deps,
      config,
      onError,
      connections: websockets.connections,
      keepAliveMs: config.sseKeepAliveMs ?? 15_000,
      stagingDir: dependencies.stagingDir,
    }),
    allowedOrigins,
    webApp: config.webDist ? webApp(config.webDist) : null,
  });
  openConnections = () => websockets.clients.size;
  if (config.warmUpSends) await warmUp(deps, { sends: config.warmUpSends, timeoutMs: 30_000 }, log);
  state.readiness = 'ready';

  const { port } = http.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info(
    { url, bus: config.redis ? 'redis' : 'in-process', web: config.webDist ?? null },
    'pigeon listening',
  );
  const plainHttp = startupTransportWarning(config);
  if (plainHttp) log.warn(plainHttp);
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    readiness,
    files: deps.files,
    close() {
      closing ??= shutDownGracefully({
        lifecycle: state,
        http,
        websockets,
        graceMs: config.shutdownGraceMs,
        closeDependencies: () => dependencies.close(),
        log,
      });
      return closing;
    },
  };
}
