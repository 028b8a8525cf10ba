import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider as ReduxProvider } from 'react-redux';
import { App } from './app';
import { createBrowserClient, restoreSession } from './lib/pigeon';
import { TRPCProvider } from './lib/trpc';
import { createStore } from './store';
import { networkChanged } from './store/connection';
import './styles.css';

const store = createStore();
const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 } },
});
const client = createBrowserClient(store, queryClient);

window.addEventListener('online', () => store.dispatch(networkChanged(true)));
window.addEventListener('offline', () => store.dispatch(networkChanged(false)));
void restoreSession(client, store);

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <ReduxProvider store={store}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={client} queryClient={queryClient}>
          <App client={client} store={store} />
        </TRPCProvider>
      </QueryClientProvider>
    </ReduxProvider>
  </StrictMode>,
);
