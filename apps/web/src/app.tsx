import type { PigeonClient } from '@pigeon/client';
import { Suspense, useEffect, type ComponentType, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { ErrorScreen } from './components/error-screen';
import { Spinner } from './components/spinner';
import { lazyRoute } from './lib/lazy-route';
import { AuthPage } from './pages/auth';
import { LandingPage } from './pages/landing';
import { arrivedSignedIn, rememberReturnPath, returnPath } from './lib/return-path';
import { useAppSelector, type AppStore } from './store';

// The signed-in frame and the chat screens load after login, keeping the login page's first
// download small. A chunk that fails to load (server unreachable) is retried by itself.
const Shell = lazyRoute(() => import('./components/shell').then((m) => m.Shell));
const ChatsPage = lazyRoute(() => import('./pages/chats').then((m) => m.default));
const PeoplePage = lazyRoute(() => import('./pages/people').then((m) => m.default));
const PersonPage = lazyRoute(() => import('./pages/person').then((m) => m.default));
const ProfilePage = lazyRoute(() => import('./pages/profile').then((m) => m.default));
const SearchPage = lazyRoute(() => import('./pages/search').then((m) => m.default));
const AdminPage = lazyRoute(() => import('./pages/admin').then((m) => m.default));
// Reached from the login page or an email: loaded only then.
const ForgotPasswordPage = lazyRoute(() => import('./pages/forgot-password').then((m) => m.default));
const ResetPasswordPage = lazyRoute(() => import('./pages/reset-password').then((m) => m.default));
const VerifyEmailPage = lazyRoute(() => import('./pages/verify-email').then((m) => m.default));

function RequireSession({ children }: { children: ReactNode }) {
  const status = useAppSelector((s) => s.session.status);
  const location = useLocation();
  useEffect(() => {
    if (status === 'authenticated') arrivedSignedIn();
  }, [status]);
  if (status === 'unknown') return <Spinner label="Loading your session" />;
  if (status === 'anonymous') {
    rememberReturnPath(location.pathname + location.search);
    return <Navigate to="/" replace />;
  }
  return children;
}

function PublicOnly({ children }: { children: ReactNode }) {
  const status = useAppSelector((s) => s.session.status);
  if (status === 'unknown') return <Spinner label="Loading your session" />;
  if (status === 'authenticated') return <Navigate to={returnPath()} replace />;
  return children;
}

/** One lazily loaded screen: a spinner while it downloads, an error screen if it cannot. */
function Screen({ page: Page, loading }: { page: ComponentType; loading: string }) {
  const { pathname } = useLocation();
  return (
    <ErrorScreen resetKey={pathname}>
      <Suspense fallback={<Spinner label={loading} />}>
        <Page />
      </Suspense>
    </ErrorScreen>
  );
}

export function App({ client, store }: { client: PigeonClient; store: AppStore }) {
  return (
    <ErrorScreen fullPage>
      <BrowserRouter>
        <Routes>
          <Route
            path="/"
            element={
              <PublicOnly>
                <LandingPage />
              </PublicOnly>
            }
          />
          {(['login', 'register'] as const).map((mode) => (
            <Route
              key={mode}
              path={`/${mode}`}
              element={
                <PublicOnly>
                  <AuthPage mode={mode} client={client} />
                </PublicOnly>
              }
            />
          ))}
          <Route
            path="/forgot"
            element={
              <PublicOnly>
                <Screen page={ForgotPasswordPage} loading="Loading" />
              </PublicOnly>
            }
          />
          {/* Links from emails work whether or not this browser is logged in. */}
          <Route path="/reset" element={<Screen page={ResetPasswordPage} loading="Loading" />} />
          <Route path="/verify" element={<Screen page={VerifyEmailPage} loading="Loading" />} />
          <Route
            element={
              <RequireSession>
                <Suspense fallback={<Spinner label="Loading Pigeon" />}>
                  <Shell client={client} store={store} />
                </Suspense>
              </RequireSession>
            }
          >
            <Route
              path="/chats/:conversationId?"
              element={<Screen page={ChatsPage} loading="Loading chats" />}
            />
            <Route path="/people" element={<Screen page={PeoplePage} loading="Loading people" />} />
            <Route path="/people/:userId" element={<Screen page={PersonPage} loading="Loading profile" />} />
            <Route path="/search" element={<Screen page={SearchPage} loading="Loading search" />} />
            <Route path="/profile" element={<Screen page={ProfilePage} loading="Loading your profile" />} />
            <Route path="/admin" element={<Screen page={AdminPage} loading="Loading the admin page" />} />
          </Route>
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </BrowserRouter>
    </ErrorScreen>
  );
}
