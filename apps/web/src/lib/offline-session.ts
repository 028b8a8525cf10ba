import type { PigeonClient } from '@pigeon/client';
import type { QueryClient } from '@tanstack/react-query';
import type { AppStore } from '../store';
import { resumedOffline } from '../store/session';
import { restoreQueries } from './query-persistence';

/** While the app runs on its kept copy, ask the server for the session this often. */
const RETRY_MS = 5_000;

/**
 * The server could not be reached after a reload, but this device kept `userId`'s data: open the
 * app on that copy (chats read-only, sends queued), and keep trying the session cookie, at once
 * when the network returns. The cookie's answer then settles it: the live session, or logged out
 * (which wipes the copy). Resolves false when there is no copy to open.
 */
export async function openOffline(deps: {
  client: PigeonClient;
  store: AppStore;
  queryClient: QueryClient;
  userId: string;
  meKey: readonly unknown[];
}): Promise<boolean> {
  const { client, store, queryClient, userId, meKey } = deps;
  if (!(await restoreQueries(queryClient, store, userId))) return false;
  const me = queryClient.getQueryData<{ id: string }>(meKey);
  if (me?.id !== userId) return false;
  store.dispatch(resumedOffline(me));

  let timer: ReturnType<typeof setTimeout> | undefined;
  const tryAgain = () => {
    clearTimeout(timer);
    if (!store.getState().session.offline) return stop();
    // A refusal or null is followed by followSession (logged out); a network failure waits.
    client.$session.resumeFromCookie().then(
      () => stop(),
      () => (timer = setTimeout(tryAgain, RETRY_MS)),
    );
  };
  const stop = () => {
    clearTimeout(timer);
    window.removeEventListener('online', tryAgain);
  };
  window.addEventListener('online', tryAgain);
  timer = setTimeout(tryAgain, RETRY_MS);
  return true;
}
