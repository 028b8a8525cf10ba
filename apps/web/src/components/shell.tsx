import type { PigeonClient } from '@pigeon/client';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { NavLink, Outlet, useMatch } from 'react-router';
import { startEventStream } from '../lib/events';
import { usePresenceHeartbeat } from '../lib/presence';
import { useMe } from '../lib/me';
import { personName } from '../lib/names';
import { useNavCounts } from '../lib/nav-counts';
import { useTRPC } from '../lib/trpc';
import { useUnreadTitle } from '../lib/unread-title';
import { useLogOut } from '../lib/use-log-out';
import { useOfflineSupport } from '../lib/use-offline-support';
import { useAppSelector, type AppStore } from '../store';
import { ConnectionBadge } from './connection-badge';
import { ConnectionBanner } from './connection-banner';
import { Avatar } from './avatar';
import { NavBadge } from './nav-badge';

const navLink = ({ isActive }: { isActive: boolean }) =>
  `shrink-0 rounded-md px-2.5 py-1.5 text-sm font-medium sm:px-3 ${
    isActive
      ? 'bg-indigo-600 text-white'
      : 'text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800'
  }`;

/**
 * The signed-in frame: navigation, connection state, and the one live event stream. On a phone
 * the navigation is one row (the brand and Log out, also on the profile page, give way), and an
 * open conversation gets the whole screen: its own header has the way back.
 */
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
  const inConversation = useMatch('/chats/:conversationId') !== null;
  const counts = useNavCounts();

  return (
    <div className="flex h-full flex-col">
      <ConnectionBanner />
      <header
        className={`items-center gap-2 border-b border-slate-200 px-3 py-2 sm:gap-3 sm:px-4 dark:border-slate-800 ${
          inConversation ? 'hidden md:flex' : 'flex'
        }`}
      >
        <span className="hidden text-lg font-semibold text-indigo-600 sm:inline dark:text-indigo-400">
          Pigeon
        </span>
        <nav aria-label="Main" className="flex min-w-0 gap-1">
          <NavLink to="/chats" className={navLink}>
            Chats
            <NavBadge count={counts.unreadChats} one="unread chat" many="unread chats" testId="chats-badge" />
          </NavLink>
          <NavLink to="/people" className={navLink}>
            People
            <NavBadge
              count={counts.incomingRequests}
              one="friend request"
              many="friend requests"
              testId="people-badge"
            />
          </NavLink>
          <NavLink to="/search" className={navLink}>
            Search
          </NavLink>
          {user?.isAdmin && (
            // On a phone the one-row navigation has no room: the profile page links to it there.
            <NavLink to="/admin" className={(state) => `${navLink(state)} hidden sm:block`}>
              Admin
            </NavLink>
          )}
        </nav>
        <div className="ml-auto flex min-w-0 items-center gap-2 sm:gap-3">
          <ConnectionBadge />
          {user && (
            // On a phone the avatar alone (the name is in its label); beside it from a tablet up.
            <NavLink
              to="/profile"
              className={(state) => `${navLink(state)} flex max-w-48 min-w-0 items-center gap-2`}
              data-testid="me"
              aria-label={`${personName(user)}, your profile`}
            >
              {/* Taller than a line of text: its margins keep this link as high as the others. */}
              <span className="-my-0.5 flex">
                <Avatar name={personName(user)} seed={user.id} src={user.avatarUrl} size="xs" />
              </span>
              <span className="hidden truncate sm:inline">{personName(user)}</span>
            </NavLink>
          )}
          <button
            type="button"
            onClick={logOut.start}
            className="hidden shrink-0 rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 sm:block dark:border-slate-700 dark:hover:bg-slate-800"
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
