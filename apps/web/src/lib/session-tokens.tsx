import type { SessionStore } from '@pigeon/client';
import { createContext, useContext, type ReactNode } from 'react';

/** What file transfers need of the session: a live access token, and a refresh after a 401. */
export type SessionTokens = Pick<SessionStore, 'accessToken' | 'refresh'>;

const Context = createContext<SessionTokens | null>(null);

/**
 * Uploads and downloads go over plain HTTP with the Bearer token (an `<img src>` or a tRPC call
 * can't carry a file's bytes with it): they take the token from the app's one client.
 */
export function SessionTokensProvider({ tokens, children }: { tokens: SessionTokens; children: ReactNode }) {
  return <Context value={tokens}>{children}</Context>;
}

export function useSessionTokens(): SessionTokens {
  const tokens = useContext(Context);
  if (!tokens) throw new Error('useSessionTokens needs a SessionTokensProvider');
  return tokens;
}
