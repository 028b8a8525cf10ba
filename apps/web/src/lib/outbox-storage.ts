import type { AppStore } from '../store';
import { allPending, restored } from '../store/outbox';
import { keep, outboxKey, readKept, type KeptOutbox } from './offline-data';

/**
 * Keeps the account's outbox in IndexedDB: what was not sent before a reload (or a closed tab)
 * comes back and is sent. Restores first, then writes every change. Returns stop.
 */
export function keepOutbox(store: AppStore, userId: string): () => void {
  let stopped = false;
  let unsubscribe = () => {};
  void readKept<KeptOutbox>(outboxKey(userId)).then((kept) => {
    if (stopped) return;
    if (kept?.length) store.dispatch(restored(kept));
    let written = store.getState().outbox;
    let scheduled = false;
    const write = () => {
      scheduled = false;
      if (store.getState().session.userId !== userId) return;
      written = store.getState().outbox;
      void keep(outboxKey(userId), allPending(written));
    };
    unsubscribe = store.subscribe(() => {
      // A logout empties the outbox; the logout itself wipes what is kept, so do not write.
      if (stopped || store.getState().session.userId !== userId) return;
      if (store.getState().outbox === written || scheduled) return;
      scheduled = true;
      queueMicrotask(write);
    });
    write();
  });
  return () => {
    stopped = true;
    unsubscribe();
  };
}
