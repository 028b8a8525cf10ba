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
    if (Date.parse(session.accessTokenExpiresAt) - Date.now() > REFRESH_MARGIN_MS) return session.accessToken;
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
    this.refreshing ??= this.refreshFn(refreshToken)
      .then(
        (next) => {
          this.set(next);
          return next;
        },
        (err: unknown) => {
          if (isUnauthorized(err)) {
            this.set(null);
            return null;
          }
          throw err;
        },
      )
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }
}

function isUnauthorized(err: unknown): boolean {
  const data = (err as { data?: { code?: unknown } } | null)?.data;
  return data?.code === 'UNAUTHORIZED';
}
