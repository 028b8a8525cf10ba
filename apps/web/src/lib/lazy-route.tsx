import { use, type ComponentType } from 'react';

/** Waits before each new try of a chunk that failed to load; after the last, the screen says so. */
export const CHUNK_RETRY_DELAYS_MS = [1_000, 2_000, 4_000];

/** A part of the app (a lazily loaded screen) that could not be downloaded, even after retries. */
export class ChunkLoadError extends Error {
  override readonly name = 'ChunkLoadError';
}

/** Resolves after `ms`, or as soon as the browser says it is back online, whichever is first. */
function untilRetry(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    window.addEventListener('online', done);
  });
}

/**
 * Imports a chunk, trying again with back-off (and at once when the network returns): a chunk
 * that failed while the server was unreachable loads by itself once it answers. Browsers do
 * not remember a failed dynamic import, so a new `import()` really fetches again.
 */
export async function importWithRetry<T>(load: () => Promise<T>, delays = CHUNK_RETRY_DELAYS_MS): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await load();
    } catch (err) {
      const delay = delays[attempt];
      if (delay === undefined) {
        throw new ChunkLoadError('This part of Pigeon could not be downloaded.', { cause: err });
      }
      await untilRetry(delay);
    }
  }
}

/** Loads that gave up; `retryFailedChunks` lets the next render try them again. */
const forgetters = new Set<() => void>();

/** Called by the error screen's "Try again": failed screens import again when next rendered. */
export function retryFailedChunks(): void {
  for (const forget of forgetters) forget();
  forgetters.clear();
}

/**
 * Like `React.lazy`, but the import retries (see `importWithRetry`), and one that gave up is not
 * remembered for good: after `retryFailedChunks` the screen tries again without a page reload.
 * (`React.lazy` keeps a failed import's error forever.)
 */
export function lazyRoute<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loading: Promise<ComponentType<P>> | null = null;
  const start = () => {
    const attempt = importWithRetry(load);
    attempt.catch(() => forgetters.add(() => (loading === attempt ? (loading = null) : null)));
    return attempt;
  };
  function LazyRoute(props: P) {
    loading ??= start();
    const Component = use(loading);
    return <Component {...props} />;
  }
  return LazyRoute;
}
