import { createWSClient, TRPCClientError, wsLink, type OperationLink, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import type { AppRouter } from './router';

/**
 * A WebSocket class: the browser's, Node ≥ 22's global one, or `ws`'s default export in Node 20.
 * Only its constructor matters here; tRPC drives the instances.
 */
export type WebSocketClass = abstract new (url: string, protocols?: string | string[]) => object;

export interface LazySocketOptions {
  url: string;
  WebSocket: WebSocketClass | undefined;
  connectionParams: () => Promise<{ token: string } | null>;
  retryDelayMs: (attempt: number) => number;
  onStateChange: (state: 'idle' | 'connecting' | 'connected' | 'reconnecting') => void;
}

export const NO_WEBSOCKET_MESSAGE =
  'This runtime has no WebSocket, which the event stream needs: pass one as the `WebSocket` option ' +
  "(in Node 20: `import WebSocket from 'ws'`). Queries and mutations work over HTTP without it.";

/**
 * The WebSocket side of the client, opened only when an operation needs it: a client that only
 * queries and mutates never touches a WebSocket, so it runs where there is none (Node 20) and
 * fails with a clear message only when it subscribes.
 */
export function lazySocket(options: LazySocketOptions) {
  const WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket;
  let client: ReturnType<typeof createWSClient> | undefined;

  const open = () => {
    if (!WebSocketImpl) throw new Error(NO_WEBSOCKET_MESSAGE);
    client ??= createWSClient({
      url: options.url,
      WebSocket: WebSocketImpl as typeof WebSocket,
      // Asked on every (re)connect, so a reconnect after token expiry carries a fresh token.
      connectionParams: options.connectionParams,
      lazy: { enabled: true, closeMs: 5_000 },
      keepAlive: { enabled: true, intervalMs: 20_000, pongTimeoutMs: 5_000 },
      retryDelayMs: options.retryDelayMs,
    });
    client.connectionState.subscribe({
      next(state) {
        if (state.state === 'idle') options.onStateChange('idle');
        else if (state.state === 'pending') options.onStateChange('connected');
        else options.onStateChange(state.error ? 'reconnecting' : 'connecting');
      },
    });
    return client;
  };

  const link: TRPCLink<AppRouter> = (runtime) => {
    let operationLink: OperationLink<AppRouter> | undefined;
    return (opts) => {
      try {
        operationLink ??= wsLink<AppRouter>({ client: open() })(runtime);
      } catch (err) {
        return observable((observer) => observer.error(TRPCClientError.from(err as Error)));
      }
      return operationLink(opts);
    };
  };

  return {
    link,
    /** Closes the WebSocket if one was opened; the client stays usable over HTTP. */
    close: async () => {
      await client?.close();
    },
  };
}
