import type { PigeonClient } from '@pigeon/client';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { Shell } from './components/shell';
import { Spinner } from './components/spinner';
import { AuthPage } from './pages/auth';
import { LandingPage } from './pages/landing';
import { arrivedSignedIn, rememberReturnPath, returnPath } from './lib/return-path';
import { useAppSelector, type AppStore } from './store';

// The chat screens load after login, keeping the login page's first download small.
const ChatsPage = lazy(() => import('./pages/chats'));
const PeoplePage = lazy(() => import('./pages/people'));
const PersonPage = lazy(() => import('./pages/person'));
const ProfilePage = lazy(() => import('./pages/profile'));
const SearchPage = lazy(() => import('./pages/search'));
const AdminPage = lazy(() => import('./pages/admin'));

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

export function App({ client, store }: { client: PigeonClient; store: AppStore }) {
  return (
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
          element={
            <RequireSession>
              <Shell client={client} store={store} />
            </RequireSession>
          }
        >
          <Route
            path="/chats/:conversationId?"
            element={
              <Suspense fallback={<Spinner label="Loading chats" />}>
                <ChatsPage />
              </Suspense>
            }
          />
          <Route
            path="/people"
            element={
              <Suspense fallback={<Spinner label="Loading people" />}>
                <PeoplePage />
              </Suspense>
            }
          />
          <Route
            path="/people/:userId"
            element={
              <Suspense fallback={<Spinner label="Loading profile" />}>
                <PersonPage />
              </Suspense>
            }
          />
          <Route
            path="/search"
            element={
              <Suspense fallback={<Spinner label="Loading search" />}>
                <SearchPage />
              </Suspense>
            }
          />
          <Route
            path="/profile"
            element={
              <Suspense fallback={<Spinner label="Loading your profile" />}>
                <ProfilePage />
              </Suspense>
            }
          />
          <Route
            path="/admin"
            element={
              <Suspense fallback={<Spinner label="Loading the admin page" />}>
                <AdminPage />
              </Suspense>
            }
          />
        </Route>
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </BrowserRouter>
  );
}
