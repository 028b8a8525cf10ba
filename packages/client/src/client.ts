import { createTRPCClient, httpBatchLink, httpLink, type TRPCClient } from '@trpc/client';
import { jitteredBackoff } from './backoff';
import { sessionLink } from './links';
import type { AppRouter } from './router';
import { SessionStore, type SharedSession, type StoredSession } from './session';
import { socketFirstLink } from './socket-first-link';
import { lazySocket, type WebSocketClass } from './socket';

/** Calls worth the WebSocket while it is open: frequent, and safe to repeat over HTTP. */
const SOCKET_CALLS = new Set(['messages.send', 'conversations.typing', 'presence.heartbeat']);

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting';

export interface PigeonClientOptions {
  /** The server's base URL, e.g. `http://localhost:3000`. */
  url: string;
  /**
   * A WebSocket class, needed for the event stream only, where the runtime has no global one
   * (Node 20: `import WebSocket from 'ws'`). Browsers and Node ≥ 22 need nothing here.
   */
  WebSocket?: WebSocketClass | undefined;
  /** Tokens saved from an earlier run, to resume without logging in. */
  session?: StoredSession | null | undefined;
  /**
   * A bearer token to send as it is (an API token, say), instead of a session's: nothing is
   * refreshed, and `auth.login` is not needed.
   */
  token?: string | undefined;
  /**
   * Where other processes use the same saved session (a CLI): how to read the newest saved
   * tokens and refresh one process at a time. Needed because refresh tokens rotate.
   */
  sharedSession?: SharedSession | undefined;
  /** Called whenever the tokens change (login, refresh, logout), e.g. to persist them. */
  onSessionChange?: ((session: StoredSession | null) => void) | undefined;
  onConnectionStateChange?: ((state: ConnectionState) => void) | undefined;
  /** Override the reconnect delay; defaults to jittered exponential back-off. */
  retryDelayMs?: ((attempt: number) => number) | undefined;
}

export interface PigeonExtras {
  /** The tokens this client holds (null when logged out). */
  readonly $session: SessionStore;
  /** Closes the WebSocket; the client stays usable over HTTP. */
  readonly $close: () => Promise<void>;
}

export type PigeonClient = TRPCClient<AppRouter> & PigeonExtras;

function endpoint(base: string, protocol?: 'ws'): string {
  const url = new URL('trpc', base.endsWith('/') ? base : `${base}/`);
  if (protocol === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * A typed Pigeon client: the event subscription over a WebSocket that reconnects with jittered
 * back-off and resumes from the last event id; sends over that socket while it is open; other
 * queries and mutations over HTTP (batched). Tokens from `auth.login`/`auth.register` are kept
 * and refreshed inside.
 */
export function createPigeonClient(options: PigeonClientOptions): PigeonClient {
  const httpUrl = endpoint(options.url);

  // Refresh goes around the session link: it must not wait for a token it is fetching.
  const refresher = createTRPCClient<AppRouter>({ links: [httpLink({ url: httpUrl })] });
  const session = new SessionStore(
    options.session ?? null,
    // The cookie's session is asked for with `auth.resume`, which answers null (not 401) for none.
    (refreshToken) =>
      refreshToken === null
        ? refresher.auth.resume.mutate({})
        : refresher.auth.refresh.mutate({ refreshToken }),
    options.sharedSession,
  );
  if (options.onSessionChange) session.onChange(options.onSessionChange);

  const staticToken = options.token;
  const accessToken = () =>
    staticToken === undefined ? session.accessToken() : Promise.resolve(staticToken);
  /** Who the calls are made as: the session's user, or the fixed token. */
  const identity = () =>
    staticToken === undefined ? (session.get()?.user.id ?? null) : `token:${staticToken}`;

  const authHeaders = async (): Promise<Record<string, string>> => {
    const token = await accessToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  };

  // Whose token the open socket was authenticated with: calls go over it only for that identity.
  let socketIdentity: string | null = null;
  let socketOpen = false;
  const socket = lazySocket({
    url: endpoint(options.url, 'ws'),
    WebSocket: options.WebSocket,
    connectionParams: async () => {
      const token = await accessToken();
      socketIdentity = token ? identity() : null;
      return token ? { token } : null;
    },
    retryDelayMs: options.retryDelayMs ?? ((attempt) => jitteredBackoff(attempt)),
    onStateChange(state) {
      socketOpen = state === 'connected';
      options.onConnectionStateChange?.(state);
    },
  });

  const trpc = createTRPCClient<AppRouter>({
    links: [
      sessionLink(session),
      socketFirstLink({
        viaSocket: (op) =>
          op.type === 'subscription' ||
          (SOCKET_CALLS.has(op.path) &&
            socketOpen &&
            socketIdentity !== null &&
            socketIdentity === identity()),
        socket: socket.link,
        http: httpBatchLink({ url: httpUrl, headers: authHeaders, maxURLLength: 4_000 }),
      }),
    ],
  });

  const extras: PigeonExtras = { $session: session, $close: socket.close };
  // The tRPC client is a proxy over procedure paths; the extras sit in front of it.
  return new Proxy(trpc, {
    get(target, key, receiver) {
      if (key === '$session') return extras.$session;
      if (key === '$close') return extras.$close;
      return Reflect.get(target, key, receiver) as unknown;
    },
  }) as PigeonClient;
}
