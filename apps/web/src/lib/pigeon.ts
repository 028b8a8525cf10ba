import { createPigeonClient, type PigeonClient } from '@pigeon/client';
import type { AppStore } from '../store';
import { socketStatusChanged } from '../store/connection';
import { loggedIn, loggedOut } from '../store/session';

/**
 * The browser's one Pigeon client. The refresh token lives in an httpOnly cookie (scripts never
 * see it); the access token only in memory, here.
 */
export function createBrowserClient(store: AppStore, url = window.location.origin): PigeonClient {
  const client = createPigeonClient({
    url,
    onConnectionStateChange(state) {
      if (state === 'idle') return;
      store.dispatch(socketStatusChanged(state));
    },
  });
  client.$session.onChange((session) => {
    store.dispatch(session ? loggedIn(session.user) : loggedOut());
  });
  return client;
}

/** After a reload: picks the session back up from the refresh cookie, if there is one. */
export async function restoreSession(client: PigeonClient, store: AppStore): Promise<void> {
  try {
    // A refused cookie clears the session, which the onChange listener reports as logged out.
    await client.$session.resumeFromCookie();
  } catch {
    // The server is unreachable: show the login page rather than wait forever.
    store.dispatch(loggedOut());
  }
}
