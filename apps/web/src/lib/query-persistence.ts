import type { AppRouter } from '@pigeon/client';
import { dehydrate, hydrate, type DehydratedState, type QueryClient } from '@tanstack/react-query';
import type { TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { AppStore } from '../store';
import { keep, queriesKey, readKept } from './offline-data';

/** Write the copy at most this often while data changes. */
const WRITE_EVERY_MS = 1_000;
/** A copy older than this is not worth showing. */
const MAX_AGE_MS = 7 * 24 * 3_600_000;

interface KeptQueries {
  savedAt: number;
  state: DehydratedState;
}

/** What the app shows first on opening: the account, the chat list, friends and the history read. */
function keptPaths(trpc: TRPCOptionsProxy<AppRouter>): unknown[][] {
  return [
    trpc.auth.me.queryKey(),
    trpc.conversations.list.queryKey(),
    trpc.friends.list.queryKey(),
    trpc.messages.history.pathKey(),
  ].map((key) => key[0]);
}

function isKept(queryKey: readonly unknown[], paths: unknown[][]): boolean {
  const path = queryKey[0];
  return paths.some((kept) => JSON.stringify(kept) === JSON.stringify(path));
}

/**
 * Keeps a copy of the account's last-seen conversations in IndexedDB (a small persister over
 * TanStack Query's dehydrate/hydrate), so after a reload the chat list shows before the network
 * answers, and with no network at all. Presence and typing are never kept: they are only true
 * now. Returns stop.
 */
export function keepQueries(
  queryClient: QueryClient,
  trpc: TRPCOptionsProxy<AppRouter>,
  store: AppStore,
  userId: string,
): () => void {
  const paths = keptPaths(trpc);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = () => {
    timer = undefined;
    // After a logout (which wipes the copy) nothing may be written back.
    if (store.getState().session.userId !== userId) return;
    const state = dehydrate(queryClient, {
      shouldDehydrateQuery: (q) => q.state.status === 'success' && isKept(q.queryKey, paths),
    });
    void keep(queriesKey(userId), { savedAt: Date.now(), state } satisfies KeptQueries);
  };
  const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== 'updated' || event.action.type !== 'success') return;
    if (!isKept(event.query.queryKey as readonly unknown[], paths)) return;
    timer ??= setTimeout(write, WRITE_EVERY_MS);
  });
  return () => {
    unsubscribe();
    if (timer !== undefined) {
      clearTimeout(timer);
      write();
    }
  };
}

/**
 * Puts the kept copy of `userId`'s data into the cache, unless another session (or none)
 * has been settled meanwhile. Resolves whether there was one to put.
 */
export async function restoreQueries(
  queryClient: QueryClient,
  store: AppStore,
  userId: string,
): Promise<boolean> {
  const kept = await readKept<KeptQueries>(queriesKey(userId));
  if (!kept || Date.now() - kept.savedAt > MAX_AGE_MS) return false;
  const session = store.getState().session;
  if (session.status === 'anonymous' || (session.userId !== null && session.userId !== userId)) return false;
  // Newer data already fetched wins over the copy (hydrate compares update times).
  hydrate(queryClient, kept.state);
  return true;
}
