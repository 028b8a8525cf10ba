import type { AppRouter } from '@pigeon/api';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpLink,
  wsLink,
  type TRPCClient,
} from '@trpc/client';
import { jitteredBackoff } from './backoff';
import { sessionLink } from './links';
import { SessionStore, type StoredSession } from './session';
import { socketFirstLink } from './socket-first-link';

/** Calls worth the WebSocket while it is open: frequent, and safe to repeat over HTTP. */
const SOCKET_CALLS = new Set(['messages.send', 'conversations.typing', 'presence.heartbeat']);

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting';

export interface PigeonClientOptions {
  /** The server's base URL, e.g. `http://localhost:3000`. */
  url: string;
  /** A WebSocket class, for runtimes without a global one (Node 20: `import WebSocket from 'ws'`). */
  WebSocket?: unknown;
  /** Tokens saved from an earlier run, to resume without logging in. */
  session?: StoredSession | null;
  /** Called whenever the tokens change (login, refresh, logout), e.g. to persist them. */
  onSessionChange?: (session: StoredSession | null) => void;
  onConnectionStateChange?: (state: ConnectionState) => void;
  /** Override the reconnect delay; defaults to jittered exponential back-off. */
  retryDelayMs?: (attempt: number) => number;
}

export interface PigeonExtras {
  /** The tokens this client holds (null when logged out). */
  readonly $session: SessionStore;
  /** Closes the WebSocket; the client stays usable over HTTP. */
  readonly $close: () => Promise<void>;
}

export type PigeonClient = TRPCClient<AppRouter> & PigeonExtras;

function toWebSocketUrl(base: string): string {
  const url = new URL('trpc', base.endsWith('/') ? base : `${base}/`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * A typed Pigeon client: the event subscription over a WebSocket that reconnects with jittered
 * back-off and resumes from the last event id; sends over that socket while it is open; other
 * queries and mutations over HTTP (batched). Tokens from `auth.login`/`auth.register` are kept
 * and refreshed inside.
 */
export function createPigeonClient(options: PigeonClientOptions): PigeonClient {
  const httpUrl = new URL('trpc', options.url.endsWith('/') ? options.url : `${options.url}/`).toString();

  // Refresh goes around the session link: it must not wait for a token it is fetching.
  const refresher = createTRPCClient<AppRouter>({ links: [httpLink({ url: httpUrl })] });
  const session = new SessionStore(options.session ?? null, (refreshToken) =>
    // The cookie's session is asked for with `auth.resume`, which answers null (not 401) for none.
    refreshToken === null
      ? refresher.auth.resume.mutate({})
      : refresher.auth.refresh.mutate({ refreshToken }),
  );
  if (options.onSessionChange) session.onChange(options.onSessionChange);

  const authHeaders = async (): Promise<Record<string, string>> => {
    const token = await session.accessToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  };

  // Whose token the open socket was authenticated with: calls go over it only for that user.
  let socketUserId: string | null = null;
  let socketOpen = false;
  const wsClient = createWSClient({
    url: toWebSocketUrl(options.url),
    ...(options.WebSocket ? { WebSocket: options.WebSocket as typeof WebSocket } : {}),
    // Asked on every (re)connect, so a reconnect after token expiry carries a fresh token.
    connectionParams: async () => {
      const token = await session.accessToken();
      socketUserId = token ? (session.get()?.user.id ?? null) : null;
      return token ? { token } : null;
    },
    lazy: { enabled: true, closeMs: 5_000 },
    keepAlive: { enabled: true, intervalMs: 20_000, pongTimeoutMs: 5_000 },
    retryDelayMs: options.retryDelayMs ?? ((attempt) => jitteredBackoff(attempt)),
  });
  wsClient.connectionState.subscribe({
    next(state) {
      socketOpen = state.state === 'pending';
    },
  });
  const onState = options.onConnectionStateChange;
  if (onState) {
    wsClient.connectionState.subscribe({
      next(state) {
        if (state.state === 'idle') onState('idle');
        else if (state.state === 'pending') onState('connected');
        else onState(state.error ? 'reconnecting' : 'connecting');
      },
    });
  }

  const trpc = createTRPCClient<AppRouter>({
    links: [
      sessionLink(session),
      socketFirstLink({
        viaSocket: (op) =>
          op.type === 'subscription' ||
          (SOCKET_CALLS.has(op.path) &&
            socketOpen &&
            socketUserId !== null &&
            socketUserId === session.get()?.user.id),
        socket: wsLink({ client: wsClient }),
        http: httpBatchLink({ url: httpUrl, headers: authHeaders, maxURLLength: 4_000 }),
      }),
    ],
  });

  const extras: PigeonExtras = {
    $session: session,
    $close: () => wsClient.close(),
  };
  // The tRPC client is a proxy over procedure paths; the extras sit in front of it.
  return new Proxy(trpc, {
    get(target, key, receiver) {
      if (key === '$session') return extras.$session;
      if (key === '$close') return extras.$close;
      return Reflect.get(target, key, receiver) as unknown;
    },
  }) as PigeonClient;
}
