import type { AppRouter } from './router';
import { TRPCClientError, type Operation, type TRPCLink } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';

export interface SocketFirstOptions {
  socket: TRPCLink<AppRouter>;
  http: TRPCLink<AppRouter>;
  /** Whether this operation should try the WebSocket; the rest go over HTTP. */
  viaSocket: (op: Operation) => boolean;
}

/**
 * Worth one more try over HTTP: the socket closed or broke with the call in flight (the server
 * never answered: no error shape), or the socket's token ran out (HTTP refreshes it first). Any
 * other answer of the server is final.
 */
function isWorthHttpRetry(err: unknown): boolean {
  if (!(err instanceof TRPCClientError)) return false;
  const data = err.data as { code?: unknown } | undefined;
  return err.shape === undefined || data?.code === 'UNAUTHORIZED';
}

/**
 * Sends chosen calls over the open WebSocket — no HTTP request, proxy hop or token check per
 * call, which is most of a send's cost — and anything else over HTTP. A call whose socket closes
 * under it is sent once more over HTTP, so only calls that are safe to repeat (idempotent, like
 * `messages.send` with its clientId) may be routed here.
 */
export function socketFirstLink(options: SocketFirstOptions): TRPCLink<AppRouter> {
  return (runtime) => {
    const socket = options.socket(runtime);
    const http = options.http(runtime);
    return ({ op, next }) =>
      observable((observer) => {
        let current: Unsubscribable | undefined;
        const overHttp = () => {
          current = http({ op, next }).subscribe(observer);
        };
        if (!options.viaSocket(op)) {
          overHttp();
        } else {
          current = socket({ op, next }).subscribe({
            next: (value) => observer.next(value),
            error: (err) =>
              op.type !== 'subscription' && isWorthHttpRetry(err) ? overHttp() : observer.error(err),
            complete: () => observer.complete(),
          });
        }
        return () => current?.unsubscribe();
      });
  };
}
