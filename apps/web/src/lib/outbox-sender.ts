import type { Message } from '@pigeon/schema';
import type { AppStore, RootState } from '../store';
import { failed, nextToSend, requeued, sending, type PendingMessage } from '../store/outbox';

/** After a send failed on the network or the server, wait this long (doubling) before the next try. */
const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/** A send with no answer by then counts as lost (it may still land: the next try dedupes). */
const SEND_TIMEOUT_MS = 15_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('No answer to the send.')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Whether the server refused the message itself, so sending it again as it is would fail
 * again: a 4xx answer (not a member any more, too long). Network failures, 5xx answers, rate
 * limits and an expired session are passing, and the message waits for the next try.
 */
export function refusedByServer(err: unknown): boolean {
  const status = (err as { data?: { httpStatus?: unknown } } | null)?.data?.httpStatus;
  if (typeof status !== 'number') return false;
  return status >= 400 && status < 500 && status !== 401 && status !== 408 && status !== 429;
}

/** Sends may go out: the browser has a network and the session is the server's, not a copy. */
function canSend(state: RootState): boolean {
  return state.session.status === 'authenticated' && !state.session.offline && state.connection.online;
}

/**
 * Sends the outbox, one message at a time in the order written, so they arrive in that order;
 * each under its clientId, which makes a repeat (an answer lost on the way back, a reload in
 * between, two tabs) store nothing twice. Runs while the app is signed in: whenever a message
 * is queued, and again when the socket reconnects or the browser is back online. Returns stop.
 */
export function startOutboxSender(deps: {
  store: AppStore;
  /** Uploads the message's files still on the device; answers all its attachment ids. Not
   * under the send's timeout: a large file takes as long as the network needs. */
  uploadFiles?: (message: PendingMessage) => Promise<string[]>;
  send: (message: PendingMessage, attachmentIds: string[]) => Promise<Message>;
  onStored: (message: Message) => void;
}): () => void {
  const { store, send, onStored } = deps;
  const uploadFiles = deps.uploadFiles ?? (() => Promise.resolve([]));
  let busy = false;
  let stopped = false;
  const isStopped = () => stopped;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const pump = async () => {
    if (busy || isStopped()) return;
    busy = true;
    try {
      for (;;) {
        const state = store.getState();
        const next = canSend(state) ? nextToSend(state.outbox) : undefined;
        if (!next || isStopped()) return;
        store.dispatch(sending(next.clientId));
        try {
          const attachmentIds = await uploadFiles(next);
          onStored(await withTimeout(send(next, attachmentIds), SEND_TIMEOUT_MS));
          failures = 0;
        } catch (err) {
          if (refusedByServer(err)) {
            store.dispatch(failed(next.clientId));
            continue;
          }
          // Keep it, and keep the ones after it behind it: the order is the point.
          store.dispatch(requeued(next.clientId));
          const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] ?? 30_000;
          failures++;
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => void pump(), delay);
          return;
        }
      }
    } finally {
      busy = false;
    }
  };

  // Whatever might let a waiting message go: a new one queued, a retry, the socket connected,
  // the network back, the session confirmed.
  let seen = store.getState();
  const unsubscribe = store.subscribe(() => {
    const now = store.getState();
    const before = seen;
    seen = now;
    const reconnected =
      (now.connection.status === 'connected' && before.connection.status !== 'connected') ||
      (now.connection.online && !before.connection.online);
    if (reconnected) {
      // Back: try at once, not when the last back-off runs out.
      failures = 0;
      clearTimeout(retryTimer);
    }
    if (reconnected || now.outbox !== before.outbox || now.session !== before.session) void pump();
  });
  void pump();
  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    unsubscribe();
  };
}
