import {
  WS_CLOSE_AUTH_TIMEOUT,
  WS_CLOSE_SESSION_ENDED,
  WS_CLOSE_TOKEN_EXPIRED,
  WS_CLOSE_TOO_MANY,
} from './close-codes';

/** What the registry needs of a socket: to close it, and to hear that it closed. */
export interface TrackedSocket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Who an authenticated socket belongs to, and until when its token is good. `sessionId` is the
 * login session, or the API token's id: ending either closes the socket.
 */
export interface SocketHolder {
  userId: string;
  sessionId: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface SocketRegistryOptions {
  /** A socket not admitted within this time is closed. */
  authTimeoutMs: number;
  /** Sockets one user may hold on this instance. */
  maxSocketsPerUser: number;
}

/**
 * The WebSockets of one instance and the rules they live by: authenticate in time, at most so
 * many per user, closed when their token expires or their session ends. Sockets leave it by
 * closing; nothing else removes them.
 */
export class SocketRegistry {
  private readonly authDeadlines = new Map<TrackedSocket, NodeJS.Timeout>();
  // By login session, so an ended session loses its sockets on whichever instance holds them.
  private readonly bySession = new Map<string, Set<TrackedSocket>>();
  private readonly byUser = new Map<string, Set<TrackedSocket>>();

  constructor(private readonly options: SocketRegistryOptions) {}

  /**
   * A socket just opened: it must authenticate (be admitted) within the time limit, or it is
   * closed; an idle anonymous socket costs memory and serves nobody.
   */
  awaitAuthentication(socket: TrackedSocket): void {
    const { authTimeoutMs } = this.options;
    const deadline = setTimeout(() => {
      this.authDeadlines.delete(socket);
      socket.close(WS_CLOSE_AUTH_TIMEOUT, `not authenticated within ${Math.round(authTimeoutMs / 1000)} s`);
    }, authTimeoutMs);
    this.authDeadlines.set(socket, deadline);
    socket.once('close', () => {
      clearTimeout(deadline);
      this.authDeadlines.delete(socket);
    });
  }

  /**
   * A socket that authenticated as `holder`. False when its user already holds the most sockets
   * allowed (it is closed); else it is held until it closes, and closed when its token expires,
   * so the client reconnects with a fresh one and resumes.
   */
  admit(socket: TrackedSocket, holder: SocketHolder): boolean {
    clearTimeout(this.authDeadlines.get(socket));
    this.authDeadlines.delete(socket);
    const { maxSocketsPerUser } = this.options;
    if ((this.byUser.get(holder.userId)?.size ?? 0) >= maxSocketsPerUser) {
      socket.close(WS_CLOSE_TOO_MANY, `at most ${maxSocketsPerUser} connections per user`);
      return false;
    }
    holdUntilClosed(this.byUser, holder.userId, socket);
    holdUntilClosed(this.bySession, holder.sessionId, socket);
    const expiry = closeAt(holder.expiresAt, () =>
      socket.close(WS_CLOSE_TOKEN_EXPIRED, 'access token expired'),
    );
    socket.once('close', () => expiry.cancel());
    return true;
  }

  /** Closes every admitted connection (the server is shutting down): clients reconnect elsewhere. */
  closeAll(code: number, reason: string): void {
    for (const held of [...this.byUser.values()]) for (const socket of [...held]) socket.close(code, reason);
  }

  /**
   * Closes every socket of these sessions or API tokens (logged out, revoked, refresh token
   * reused, token revoked or its bot deleted).
   */
  closeSessions(sessionIds: readonly string[]): void {
    for (const id of sessionIds) {
      for (const socket of this.bySession.get(id) ?? [])
        socket.close(WS_CLOSE_SESSION_ENDED, 'session ended');
    }
  }
}

/** Node fires a timer longer than this (~24.8 days) at once; API tokens live up to a year, or forever. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** Runs `then` at `epochMs`, however far off (a never-expiring token: Number.MAX_SAFE_INTEGER). */
function closeAt(epochMs: number, then: () => void): { cancel(): void } {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const wait = epochMs - Date.now();
    timer = wait > LONGEST_TIMER_MS ? setTimeout(arm, LONGEST_TIMER_MS) : setTimeout(then, Math.max(0, wait));
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}

function holdUntilClosed(index: Map<string, Set<TrackedSocket>>, key: string, socket: TrackedSocket) {
  const held = index.get(key) ?? new Set<TrackedSocket>();
  held.add(socket);
  index.set(key, held);
  socket.once('close', () => {
    held.delete(socket);
    if (held.size === 0 && index.get(key) === held) index.delete(key);
  });
}
