import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider as ReduxProvider } from 'react-redux';
import { App } from './app';
import { ChunkLoadError } from './lib/lazy-route';
import { followOnlineState } from './lib/online-manager';
import { createBrowserClient, restoreSession } from './lib/pigeon';
import { SessionTokensProvider } from './lib/session-tokens';
import { TRPCProvider } from './lib/trpc';
import { createStore } from './store';
import { networkChanged } from './store/connection';
import './styles.css';

const store = createStore();
const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 } },
});
const client = createBrowserClient(store, queryClient);

// A page opened with no network (from the service worker) gets no 'offline' event: ask.
if (!navigator.onLine) store.dispatch(networkChanged(false));
window.addEventListener('online', () => store.dispatch(networkChanged(true)));
window.addEventListener('offline', () => store.dispatch(networkChanged(false)));
followOnlineState(store);
void restoreSession(client, store, queryClient);

// The app shell's service worker (built files only: the dev server has none), so the app opens
// with no network. Registered after the page has loaded, out of the way of its first requests.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  });
}

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root, {
  // A screen that could not be downloaded is expected offline and has its own message; the
  // error screen shows it, so it is no console error.
  onCaughtError(error, info) {
    if (!(error instanceof ChunkLoadError)) console.error(error, info.componentStack);
  },
}).render(
  <StrictMode>
    <ReduxProvider store={store}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={client} queryClient={queryClient}>
          <SessionTokensProvider tokens={client.$session}>
            <App client={client} store={store} />
          </SessionTokensProvider>
        </TRPCProvider>
      </QueryClientProvider>
    </ReduxProvider>
  </StrictMode>,
);
