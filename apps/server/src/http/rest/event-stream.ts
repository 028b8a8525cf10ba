import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiDeps, Context } from '@pigeon/api';
import { isTrackedEnvelope, TRPCError } from '@trpc/server';
import type { ProcedureErrorHandler } from '../../procedure-errors';
import type { SocketRegistry, TrackedSocket } from '../../ws/socket-registry';
import { WS_CLOSE_TOO_MANY } from '../../ws/close-codes';
import { httpRequestContext, type HttpContextConfig } from '../request-context';
import { callProcedure } from './procedures';
import { sendRestError } from './rest-errors';

export interface EventStreamOptions {
  deps: ApiDeps;
  config: HttpContextConfig;
  onError: ProcedureErrorHandler;
  /** The instance's connections: caps per user, closes on token expiry and ended sessions. */
  connections: SocketRegistry;
  /** How often an idle stream gets a comment, so proxies and clients see it alive. */
  keepAliveMs: number;
}

/**
 * GET /api/v1/events: the caller's event stream as Server-Sent Events. Each event's `id:` is its
 * stream id, so a client that reconnects with `Last-Event-ID` resumes exactly after it. The
 * stream is `events.subscribe`, called with this request's context, and lives by the same rules
 * as a WebSocket: it ends when the access token expires or the session ends (an `event: close`
 * says why), and counts toward the user's connections.
 */
export function eventStreamHandler(opts: EventStreamOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const lastEventId = lastEventIdOf(req);
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    let ctx: Context | undefined;
    let items: AsyncIterable<unknown>;
    try {
      ctx = await httpRequestContext(opts.deps, opts.config, req, res);
      const stream = await callProcedure(
        'events.subscribe',
        'subscription',
        ctx,
        { lastEventId },
        abort.signal,
      );
      items = stream as AsyncIterable<unknown>;
    } catch (err) {
      return sendRestError(res, err, {
        path: 'events.subscribe',
        ctx,
        input: { lastEventId },
        onError: opts.onError,
      });
    }
    const connection = sseConnection(req, res, abort);
    // The procedure refused anonymous callers, so there is a viewer here.
    if (!ctx.viewer || !opts.connections.admit(connection, ctx.viewer)) {
      return sendRestError(res, connection.refusal ?? new TRPCError({ code: 'UNAUTHORIZED' }), {
        path: 'events.subscribe',
        ctx,
        input: { lastEventId },
        onError: opts.onError,
      });
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // NGINX: pass each event on at once (also set in its config for this location).
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), opts.keepAliveMs);
    try {
      for await (const item of items) {
        if (abort.signal.aborted) break;
        if (!isTrackedEnvelope(item)) continue;
        const [id, data] = item;
        if (!res.write(`id: ${id}\ndata: ${JSON.stringify(data)}\n\n`)) await drained(res, abort.signal);
      }
    } catch (err) {
      if (!abort.signal.aborted) opts.onError({ error: errorOf(err), path: 'events.subscribe', ctx });
    } finally {
      clearInterval(keepAlive);
      res.end();
    }
  };
}

/** The standard header wins; `?lastEventId=` lets a first connection start from a known id. */
function lastEventIdOf(req: IncomingMessage): string | undefined {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string' && header.length > 0) return header;
  return new URL(req.url ?? '/', 'http://localhost').searchParams.get('lastEventId') ?? undefined;
}

type SseConnection = TrackedSocket & { refusal: TRPCError | null };

/** The stream as the registry sees a socket: closing it says why in a last event, then ends it. */
function sseConnection(req: IncomingMessage, res: ServerResponse, abort: AbortController): SseConnection {
  const connection: SseConnection = {
    refusal: null,
    close(code, reason) {
      if (!res.headersSent) {
        connection.refusal = new TRPCError({
          code: code === WS_CLOSE_TOO_MANY ? 'TOO_MANY_REQUESTS' : 'UNAUTHORIZED',
          message: `Event stream refused: ${reason}.`,
        });
        return;
      }
      res.write(`event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`);
      abort.abort();
      res.end();
    },
    once(_event, listener) {
      res.once('close', listener);
      return connection;
    },
  };
  req.socket.setKeepAlive(true);
  return connection;
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

function errorOf(err: unknown): { code: string; message: string } {
  return err instanceof TRPCError ? err : { code: 'INTERNAL_SERVER_ERROR', message: String(err) };
}
