import { onlineManager } from '@tanstack/react-query';
import type { AppStore } from '../store';

/**
 * Queries and mutations run only while they can succeed: the browser has a network and the
 * session is the server's. While the app runs on this device's copy (no tokens yet) they wait,
 * instead of failing with 401s and hiding the kept data behind errors; they run once the session
 * is back.
 */
export function followOnlineState(store: AppStore): void {
  onlineManager.setEventListener((setOnline) => {
    const update = () => setOnline(navigator.onLine && !store.getState().session.offline);
    update();
    const unsubscribe = store.subscribe(update);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      unsubscribe();
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  });
}
