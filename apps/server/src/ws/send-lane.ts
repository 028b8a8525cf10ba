import { appRouter, sendMessageDirect, type Context } from '@pigeon/api';
import {
  getErrorShape,
  getTRPCErrorFromUnknown,
  parseTRPCMessage,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import type { WebSocket } from 'ws';
import type { ProcedureErrorHandler } from '../procedure-errors';

const SEND_PATH = 'messages.send';
/** Cheaper than parsing: a frame without these bytes holds no send and goes to tRPC untouched. */
const SEND_PATH_BYTES = Buffer.from(`"${SEND_PATH}"`);
/**
 * A frame tRPC's handler ignores: passed on in place of a frame the lane took whole, so that
 * tRPC's keep-alive still counts it as a sign of life.
 */
const PONG = Buffer.from('PONG');

const config = appRouter._def._config;

type Call = ReturnType<typeof parseTRPCMessage>;
type SendCall = Extract<Call, { method: 'mutation' }>;

/** A send the lane answers: any other call, or a send tRPC would treat otherwise, stays tRPC's. */
function isLaneSend(call: Call): call is SendCall {
  return (
    call.method === 'mutation' &&
    call.id !== null &&
    call.params.path === SEND_PATH &&
    // tRPC merges a lastEventId into the input; a send never has one, so such a frame stays tRPC's.
    call.params.lastEventId === undefined
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
 * connection's context exists, from frames that tRPC itself would read the same way (each call
 * checked by tRPC's own `parseTRPCMessage`); anything else, and frames before that, go on to tRPC
 * whole.
 */
export function takeSendsFromSocket(
  ws: WebSocket,
  contextOf: (ws: WebSocket) => Context | undefined,
  onError: ProcedureErrorHandler,
  onTaken: () => void,
): void {
  const emit = ws.emit.bind(ws);
  ws.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'message') {
      const [data, isBinary] = args;
      const ctx = contextOf(ws);
      if (ctx && isBinary === false && Buffer.isBuffer(data) && data.includes(SEND_PATH_BYTES)) {
        const taken = takeSends(data);
        if (taken) {
          for (const send of taken.sends) answer(send, ctx);
          return emit('message', taken.rest ?? PONG, false);
        }
      }
    }
    return emit(event, ...args);
  };

  /**
   * The frame's sends and what is left of it for tRPC, or null to leave the frame to tRPC whole:
   * a frame tRPC would refuse (it refuses all of a frame if one call in it is malformed) or one
   * whose rest cannot be written again. Never throws: it runs inside `ws`'s receiver.
   */
  function takeSends(data: Buffer): { sends: SendCall[]; rest: Buffer | null } | null {
    try {
      const frame: unknown = JSON.parse(data.toString('utf8'));
      const raw = Array.isArray(frame) ? (frame as unknown[]) : [frame];
      const calls = raw.map((item) => parseTRPCMessage(item, config.transformer));
      const sends = calls.filter(isLaneSend);
      if (sends.length === 0) return null;
      const others = raw.filter((_, i) => !isLaneSend(calls[i] as Call));
      return { sends, rest: others.length === 0 ? null : Buffer.from(JSON.stringify(others)) };
    } catch {
      return null;
    }
  }

  function respond(body: Parameters<typeof transformTRPCResponse>[1]) {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(JSON.stringify(transformTRPCResponse(config, body)));
  }

  function answer({ id, jsonrpc, params }: SendCall, ctx: Context) {
    onTaken();
    const { input } = params;
    sendMessageDirect(ctx, input)
      .then(
        (data) => respond({ id, jsonrpc, result: { type: 'data', data } }),
        (cause: unknown) => {
          const error = getTRPCErrorFromUnknown(cause);
          onError({ error, path: SEND_PATH, ctx });
          respond({
            id,
            jsonrpc,
            error: getErrorShape({ config, error, type: 'mutation', path: SEND_PATH, input, ctx }),
          });
        },
      )
      // The answer could not be written (the socket broke under it): the send itself stands.
      .catch(() => undefined);
  }
}
