import { appRouter, sendMessageDirect, type Context } from '@pigeon/api';
import {
  getErrorShape,
  getTRPCErrorFromUnknown,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import type { WebSocket } from 'ws';
import type { ProcedureErrorHandler } from '../procedure-errors';

const SEND_PATH = 'messages.send';
/** Cheaper than parsing: a frame without these bytes holds no send and goes to tRPC untouched. */
const SEND_PATH_BYTES = Buffer.from(`"${SEND_PATH}"`);

interface SendRequest {
  id: number | string;
  jsonrpc?: '2.0';
  method: 'mutation';
  params: { path: typeof SEND_PATH; input?: unknown };
}

function isSendRequest(msg: unknown): msg is SendRequest {
  if (typeof msg !== 'object' || msg === null) return false;
  const { id, method, params } = msg as { id?: unknown; method?: unknown; params?: unknown };
  return (
    method === 'mutation' &&
    (typeof id === 'number' || typeof id === 'string') &&
    typeof params === 'object' &&
    params !== null &&
    (params as { path?: unknown }).path === SEND_PATH
  );
}

/**
 * `messages.send` over the WebSocket without tRPC's per-call machinery (its middleware chain,
 * the copies of the call's options and context, an AbortController per call), a fifth of what an
 * instance allocated per message (docs/benchmarks.md). The frame and the answer stay
 * tRPC's own: any tRPC client sees no difference. The checks and the send are the procedure's
 * (`sendMessageDirect`), errors take the router's error shape and go to the same error handler.
 *
 * It sees every frame of the socket before tRPC's handler does (tRPC's adapter has no hook ahead
 * of its own listener, hence the socket's `emit` wrapped), and takes the sends only once the
 * connection's context exists; anything else, and frames before that, go on to tRPC. tRPC's
 * keep-alive then sees fewer frames: a client that only sends is pinged every 30 s and answers.
 */
export function takeSendsFromSocket(
  ws: WebSocket,
  contextOf: (ws: WebSocket) => Context | undefined,
  onError: ProcedureErrorHandler,
): void {
  const emit = ws.emit.bind(ws);
  ws.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'message') {
      const [data, isBinary] = args;
      const ctx = contextOf(ws);
      if (ctx && isBinary === false && Buffer.isBuffer(data) && data.includes(SEND_PATH_BYTES)) {
        const rest = takeSends(data, ctx);
        if (rest === null) return true;
        args[0] = rest;
      }
    }
    return emit(event, ...args);
  };

  function takeSends(data: Buffer, ctx: Context): Buffer | null {
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString('utf8'));
    } catch {
      return data; // tRPC answers a malformed frame as it always does
    }
    if (isSendRequest(msg)) {
      answer(msg, ctx);
      return null;
    }
    if (!Array.isArray(msg) || !msg.some(isSendRequest)) return data;
    const others: unknown[] = [];
    for (const item of msg) {
      if (isSendRequest(item)) answer(item, ctx);
      else others.push(item);
    }
    return others.length === 0 ? null : Buffer.from(JSON.stringify(others));
  }

  function respond(body: Parameters<typeof transformTRPCResponse>[1]) {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(JSON.stringify(transformTRPCResponse(appRouter._def._config, body)));
  }

  function answer({ id, jsonrpc, params }: SendRequest, ctx: Context) {
    sendMessageDirect(ctx, params.input).then(
      (data) => respond({ id, jsonrpc, result: { type: 'data', data } }),
      (cause: unknown) => {
        const error = getTRPCErrorFromUnknown(cause);
        const input = params.input;
        onError({ error, path: SEND_PATH, ctx });
        respond({
          id,
          jsonrpc,
          error: getErrorShape({
            config: appRouter._def._config,
            error,
            type: 'mutation',
            path: SEND_PATH,
            input,
            ctx,
          }),
        });
      },
    );
  }
}
