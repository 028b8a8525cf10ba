import {
  createPigeonClient,
  jitteredBackoff,
  type AppRouter,
  type PigeonClient,
  type SessionStore,
} from '@pigeon/client';
import type { QueryClient } from '@tanstack/react-query';
import { createTRPCOptionsProxy, type TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { AppStore } from '../store';
import { socketStatusChanged } from '../store/connection';
import { loggedIn, loggedOut } from '../store/session';
import { deviceUser, forgetDeviceUser, rememberDeviceUser } from './device-user';

const OFFLINE_RETRY_MS = 1_000;

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
    // Offline, a try fails at once and costs the server nothing: try every second, so the socket
    // is back within a second of the network (the usual back-off would have grown meanwhile).
    retryDelayMs: (attempt) => (navigator.onLine ? jitteredBackoff(attempt) : OFFLINE_RETRY_MS),
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
    const kept = deviceUser();
    if (current) {
      if (kept !== null && kept !== current.user.id) {
        // Another account's copy (this device's last): none of it may show to this one.
        queryClient.clear();
        void forgetKeptData().then(() => rememberDeviceUser(current.user.id));
      } else {
        rememberDeviceUser(current.user.id);
      }
      queryClient.setQueryData(meKey, current.user);
      store.dispatch(loggedIn(current.user));
    } else {
      store.dispatch(loggedOut());
      queryClient.removeQueries({ queryKey: meKey });
      if (kept !== null) {
        // Logged out (here or elsewhere): the account's data leaves the device too.
        queryClient.clear();
        void forgetKeptData();
      }
    }
  });
}

/** Wipes what this device kept for offline use (IndexedDB code loads only then). */
async function forgetKeptData(): Promise<void> {
  forgetDeviceUser();
  const { clearOfflineData } = await import('./offline-data');
  await clearOfflineData();
}

/**
 * After a reload: picks the session back up from the refresh cookie, if there is one. When this
 * device kept an account's data, the copy is read meanwhile, so the chat list shows before its
 * fetch answers; and if the server cannot be reached, the app opens on that copy (offline).
 */
export async function restoreSession(
  client: PigeonClient,
  store: AppStore,
  queryClient: QueryClient,
): Promise<void> {
  const kept = deviceUser();
  if (kept !== null) {
    void import('./query-persistence')
      .then((m) => m.restoreQueries(queryClient, store, kept))
      .catch(() => false);
  }
  try {
    // No session (or a refused cookie) answers null, which followSession reports as logged out.
    await client.$session.resumeFromCookie();
  } catch {
    // The server is unreachable: open on the kept copy if there is one, else the login page.
    if (kept !== null) {
      const opened = await import('./offline-session')
        .then((m) =>
          m.openOffline({
            client,
            store,
            queryClient,
            userId: kept,
            meKey: createTRPCOptionsProxy({ client, queryClient }).auth.me.queryKey(),
          }),
        )
        .catch(() => false);
      if (opened) return;
    }
    store.dispatch(loggedOut());
  }
}
