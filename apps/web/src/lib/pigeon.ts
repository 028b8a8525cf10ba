import { createPigeonClient, type AppRouter, type PigeonClient, type SessionStore } from '@pigeon/client';
import type { QueryClient } from '@tanstack/react-query';
import { createTRPCOptionsProxy, type TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { AppStore } from '../store';
import { socketStatusChanged } from '../store/connection';
import { loggedIn, loggedOut } from '../store/session';

/**
 * The browser's one Pigeon client. The refresh token lives in an httpOnly cookie (scripts never
 * see it); the access token only in memory, here.
 */
export function createBrowserClient(
  store: AppStore,
  queryClient: QueryClient,
  url = window.location.origin,
): PigeonClient {
  const client = createPigeonClient({
    url,
    onConnectionStateChange(state) {
      if (state === 'idle') return;
      store.dispatch(socketStatusChanged(state));
    },
  });
  followSession(client.$session, {
    store,
    queryClient,
    trpc: createTRPCOptionsProxy({ client, queryClient }),
  });
  return client;
}

/**
 * Keeps the app in step with the client's tokens. The session (whether there is one, and whose)
 * goes to Redux: the route guards and the event stream need it at once, before anything is
 * fetched. The account comes with every login and refresh answer; it goes to the query cache as
 * `auth.me`, like any server data, before the signed-in screens render. Logging out takes both.
 */
export function followSession(
  session: Pick<SessionStore, 'onChange'>,
  deps: { store: AppStore; queryClient: QueryClient; trpc: TRPCOptionsProxy<AppRouter> },
): () => void {
  const { store, queryClient, trpc } = deps;
  return session.onChange((current) => {
    const meKey = trpc.auth.me.queryKey();
    if (current) {
      queryClient.setQueryData(meKey, current.user);
      store.dispatch(loggedIn(current.user));
    } else {
      store.dispatch(loggedOut());
      queryClient.removeQueries({ queryKey: meKey });
    }
  });
}

/** After a reload: picks the session back up from the refresh cookie, if there is one. */
export async function restoreSession(client: PigeonClient, store: AppStore): Promise<void> {
  try {
    // A refused cookie clears the session, which followSession reports as logged out.
    await client.$session.resumeFromCookie();
  } catch {
    // The server is unreachable: show the login page rather than wait forever.
    store.dispatch(loggedOut());
  }
}
