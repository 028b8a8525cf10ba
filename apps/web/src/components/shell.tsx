import type { PigeonClient } from '@pigeon/client';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { NavLink, Outlet } from 'react-router';
import { startEventStream } from '../lib/events';
import { usePresenceHeartbeat } from '../lib/presence';
import { useMe } from '../lib/me';
import { useTRPC } from '../lib/trpc';
import { useUnreadTitle } from '../lib/unread-title';
import { useLogOut } from '../lib/use-log-out';
import { useOfflineSupport } from '../lib/use-offline-support';
import { useAppSelector, type AppStore } from '../store';
import { ConnectionBadge } from './connection-badge';
import { ConnectionBanner } from './connection-banner';

const navLink = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-3 py-1.5 text-sm font-medium ${
    isActive
      ? 'bg-indigo-600 text-white'
      : 'text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800'
  }`;

/** The signed-in frame: navigation, connection state, and the one live event stream. */
export function Shell({ client, store }: { client: PigeonClient; store: AppStore }) {
  const user = useMe();
  const queryClient = useQueryClient();
  const trpc = useTRPC();

  // Opened on this device's copy (the server unreachable), there are no tokens for the stream yet.
  const live = useAppSelector((s) => !s.session.offline);
  useEffect(
    () => (live ? startEventStream({ client, queryClient, trpc, store }) : undefined),
    [live, client, queryClient, trpc, store],
  );
  useUnreadTitle();
  usePresenceHeartbeat(client, live);
  useOfflineSupport(client, store);
  const logOut = useLogOut();

  return (
    <div className="flex h-full flex-col">
      <ConnectionBanner />
      <header className="flex flex-wrap items-center gap-3 border-b border-slate-200 px-4 py-2 dark:border-slate-800">
        <span className="text-lg font-semibold text-indigo-600 dark:text-indigo-400">Pigeon</span>
        <nav aria-label="Main" className="flex gap-1">
          <NavLink to="/chats" className={navLink}>
            Chats
          </NavLink>
          <NavLink to="/people" className={navLink}>
            People
          </NavLink>
          <NavLink to="/search" className={navLink}>
            Search
          </NavLink>
          {user?.isAdmin && (
            <NavLink to="/admin" className={navLink}>
              Admin
            </NavLink>
          )}
        </nav>
        <div className="ml-auto flex items-center gap-3">
          <ConnectionBadge />
          <NavLink
            to="/profile"
            className={navLink}
            data-testid="me"
            aria-label={`${user?.username ?? ''}, your profile`}
          >
            {user?.username}
          </NavLink>
          <button
            type="button"
            onClick={logOut.start}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
          >
            Log out
          </button>
        </div>
      </header>
      <main className="min-h-0 flex-1">
        <Outlet />
      </main>
    </div>
  );
}
