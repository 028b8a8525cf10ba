import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { noMetrics, SendQueue, type ApiDeps, type SessionStatus } from '@pigeon/api';
import type { StreamEvent } from '@pigeon/schema';
import type { Logger } from '../logger';
import { attachWebSocketServer } from '../ws/websocket-server';
import { openViewerSocket, type ViewerSocket } from './viewer-socket';

/** No conversation has this id: a send to it is answered NOT_FOUND and stores nothing. */
const NO_CONVERSATION = '00000000-0000-0000-0000-000000000000';
/** Within the default `messages` rate limit of each synthetic viewer (10 a second, bursts of 30). */
const SENDS_PER_VIEWER = 10;
const MAX_VIEWERS = 200;

export interface WarmUpReport {
  sends: number;
  /** How the sends were answered, by error code: NOT_FOUND when the send path ran to its end. */
  answers: Record<string, number>;
  eventsDelivered: number;
  ms: number;
}

/**
 * Runs the send and delivery paths a few thousand times before the server says it is ready, so
 * the first people after a start or a deploy do not wait while V8 compiles them (a cold instance
 * answered its first second of sends 5–10× slower than a warm one: docs/benchmarks.md).
 *
 * Nothing of it is visible outside the process and nothing is stored. It runs on a second
 * WebSocket endpoint, on a port of 127.0.0.1 that exists only for these seconds, built by the same
 * code as the public one (so V8's compiled code and type feedback are shared), whose session check
 * knows only the synthetic viewers' sessions: random ids with no rows, whose tokens the public
 * endpoint refuses. Their sends go to a conversation that does not exist (the real send batch
 * answers NOT_FOUND), and their event streams get events published on the real bus to those
 * synthetic users only.
 */
export async function warmUp(
  deps: ApiDeps,
  opts: { sends: number; timeoutMs: number },
  log: Logger,
): Promise<WarmUpReport> {
  const started = performance.now();
  const viewerCount = Math.min(MAX_VIEWERS, Math.ceil(opts.sends / SENDS_PER_VIEWER));
  const rounds = Math.ceil(opts.sends / viewerCount);
  const viewers = await Promise.all(
    Array.from({ length: viewerCount }, async () => {
      const viewer = { userId: randomUUID(), sessionId: randomUUID() };
      const { token } = await deps.tokens.signAccessToken(viewer);
      return { ...viewer, token };
    }),
  );
  const sessionIds = new Set(viewers.map((v) => v.sessionId));
  const http = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const endpoint = attachWebSocketServer(http, {
    // Its own send queue (same code, same database) and no metrics: the instance's send batch
    // sizes and counters describe people's traffic only.
    deps: {
      ...deps,
      sessionStatus: onlyThese(sessionIds),
      metrics: noMetrics,
      sends: new SendQueue(deps.db),
    },
    config: { wsAuthTimeoutMs: opts.timeoutMs, wsMaxConnectionsPerUser: 1, trustProxy: false },
    readiness: () => 'ready',
    allowedOrigins: new Set(),
    onError: () => undefined,
    onLaneSend: () => undefined,
  });
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const sockets: ViewerSocket[] = [];
  let sends = 0;
  const answers: Record<string, number> = {};
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
  });

  const exercise = async () => {
    const connected = viewers.map((v) => ({ ...v, socket: openViewerSocket(url, v.token) }));
    sockets.push(...connected.map((c) => c.socket));
    await Promise.all(sockets.map((s) => s.live));
    for (let round = 1; round <= rounds && !stopped; round++) {
      await Promise.all(
        connected.map((v) => {
          sends++;
          // As a conversation does: the peer's message arrives, then the viewer's own echo.
          // A failed publish (Redis away) only means fewer deliveries; it must not go unhandled.
          deps.bus.publish(v.userId, syntheticMessage(v.userId, 2 * round - 1)).catch(() => undefined);
          deps.bus.publish(v.userId, syntheticMessage(v.userId, 2 * round)).catch(() => undefined);
          return v.socket
            .mutate('messages.send', {
              conversationId: NO_CONVERSATION,
              body: 'warm-up',
              clientId: randomUUID(),
            })
            .then((outcome) => {
              answers[outcome] = (answers[outcome] ?? 0) + 1;
            });
        }),
      );
    }
    const expected = 2 * rounds * viewerCount;
    while (!stopped && sockets.reduce((n, s) => n + s.eventsReceived, 0) < expected) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  // A warm-up that fails or runs long only costs speed: the server starts all the same.
  const running = exercise();
  // After a timeout its sockets close under it; that late failure is expected, not unhandled.
  running.catch(() => undefined);
  try {
    const outcome = await Promise.race([running, timedOut]);
    if (outcome === 'timeout') log.warn({ timeoutMs: opts.timeoutMs, sends }, 'warm-up cut short');
  } catch (err) {
    log.warn({ err, sends }, 'warm-up failed');
  } finally {
    stopped = true;
    clearTimeout(timer);
    for (const socket of sockets) socket.close();
    for (const client of endpoint.clients) client.terminate();
    endpoint.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
  const report: WarmUpReport = {
    sends,
    answers,
    eventsDelivered: sockets.reduce((n, s) => n + s.eventsReceived, 0),
    ms: Math.round(performance.now() - started),
  };
  log.info(report, 'warmed up');
  return report;
}

/** The warm-up endpoint's session check: its own synthetic sessions, nothing else. */
function onlyThese(sessionIds: ReadonlySet<string>): SessionStatus {
  return {
    isLive: (sessionId) => Promise.resolve(sessionIds.has(sessionId)),
    apiTokenViewer: () => Promise.resolve(null),
    forget: () => undefined,
  };
}

function syntheticMessage(userId: string, id: number): StreamEvent {
  return {
    v: 1,
    type: 'message.created',
    id,
    message: {
      id,
      conversationId: NO_CONVERSATION,
      senderId: userId,
      clientId: randomUUID(),
      body: 'warm-up',
      createdAt: new Date().toISOString(),
      editedAt: null,
      deletedAt: null,
      replyTo: null,
      reactions: [],
      attachments: [],
    },
  };
}
