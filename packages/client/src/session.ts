import type { AuthSession } from '@pigeon/schema';

/** What a client keeps to stay logged in; persist it to resume a session later. */
export type StoredSession = Pick<
  AuthSession,
  'accessToken' | 'accessTokenExpiresAt' | 'refreshToken' | 'refreshTokenExpiresAt'
> & { user: AuthSession['user'] };

/** Refresh this long before the access token expires, to absorb clock skew and latency. */
const REFRESH_MARGIN_MS = 30_000;

/**
 * Swaps a refresh token for new tokens; null means "the one in the httpOnly cookie", whose
 * answer is null when there is no session to resume.
 */
export type RefreshFn = (refreshToken: string | null) => Promise<AuthSession | null>;

/**
 * One saved session used by several processes at once (a CLI's commands in two terminals). A
 * refresh token is good for one refresh, and presenting a used one ends the session (theft
 * detection), so each refresh must start from the newest saved tokens and save its own before
 * any other process reads them.
 */
export interface SharedSession {
  /** The newest tokens saved by any of the processes; null when none are. */
  read(): StoredSession | null;
  /** Runs `fn` while no other process runs a refresh of this session. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

const isFresh = (session: StoredSession) =>
  Date.parse(session.accessTokenExpiresAt) - Date.now() > REFRESH_MARGIN_MS;

/**
 * Holds the tokens, hands out a live access token, and refreshes it once however many
 * requests ask at the same time.
 */
export class SessionStore {
  private current: StoredSession | null;
  private refreshing: Promise<StoredSession | null> | null = null;
  private readonly listeners = new Set<(session: StoredSession | null) => void>();

  constructor(
    initial: StoredSession | null,
    private readonly refreshFn: RefreshFn,
    private readonly shared?: SharedSession,
  ) {
    this.current = initial;
  }

  get(): StoredSession | null {
    return this.current;
  }

  set(session: StoredSession | null): void {
    this.current = session;
    for (const listener of this.listeners) listener(session);
  }

  onChange(listener: (session: StoredSession | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A live access token, refreshed first if it is about to expire; null when logged out. */
  async accessToken(): Promise<string | null> {
    const session = this.current;
    if (!session) return null;
    if (isFresh(session)) return session.accessToken;
    return (await this.refresh())?.accessToken ?? null;
  }

  /** Swaps the refresh token for new tokens; a refused refresh logs the client out. */
  refresh(): Promise<StoredSession | null> {
    const session = this.current;
    if (!session) return Promise.resolve(null);
    return this.exchange(session.refreshToken);
  }

  /**
   * Picks up the session a browser keeps in its httpOnly refresh cookie (after a reload);
   * resolves null when there is none.
   */
  resumeFromCookie(): Promise<StoredSession | null> {
    return this.exchange(null);
  }

  private exchange(refreshToken: string | null): Promise<StoredSession | null> {
    const shared = this.shared;
    const run = () =>
      shared ? shared.exclusive(() => this.swap(refreshToken, shared)) : this.swap(refreshToken);
    this.refreshing ??= run().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** One refresh; with a shared session, the newest saved tokens first (they may need none). */
  private async swap(refreshToken: string | null, shared?: SharedSession): Promise<StoredSession | null> {
    let presented = refreshToken;
    const saved = shared?.read() ?? null;
    if (saved && presented !== null && saved.refreshToken !== presented) {
      // Another process refreshed since this one read the tokens: take over its newer ones.
      if (isFresh(saved)) {
        this.set(saved);
        return saved;
      }
      presented = saved.refreshToken;
    }
    try {
      const next = await this.refreshFn(presented);
      // Still inside `exclusive`: listeners save the new tokens before another process reads.
      this.set(next);
      return next;
    } catch (err) {
      if (!isUnauthorized(err)) throw err;
      this.set(null);
      return null;
    }
  }
}

function isUnauthorized(err: unknown): boolean {
  const data = (err as { data?: { code?: unknown } } | null)?.data;
  return data?.code === 'UNAUTHORIZED';
}
