import type { AdminUser } from '@pigeon/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { fullTime } from '../../lib/time';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../button';
import { SearchField } from '../field';
import { Section } from '../section';

/**
 * Accounts: find one by the start of its name or email; deactivate, reactivate or delete it, or
 * make a password reset link to hand to someone locked out.
 */
export function UsersPanel({ myId }: { myId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query.trim());
  const users = useQuery(trpc.admin.users.queryOptions(deferred ? { query: deferred } : {}));
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.admin.users.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.admin.stats.queryKey() }),
    ]);
  const setActive = useMutation(trpc.admin.setUserActive.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.admin.deleteUser.mutationOptions({ onSuccess: refresh }));
  const resetLink = useMutation(trpc.admin.passwordResetLink.mutationOptions());
  const [linkFor, setLinkFor] = useState<string | null>(null);
  const error = setActive.error ?? remove.error ?? resetLink.error;

  const actions = (user: AdminUser) => {
    if (user.id === myId) return <span className="text-xs text-slate-600 dark:text-slate-300">you</span>;
    return (
      <span className="flex gap-2">
        <Button
          onClick={() => setActive.mutate({ userId: user.id, active: user.deactivatedAt !== null })}
          aria-label={`${user.deactivatedAt ? 'Reactivate' : 'Deactivate'} ${user.username}`}
        >
          {user.deactivatedAt ? 'Reactivate' : 'Deactivate'}
        </Button>
        <Button
          aria-label={`Password reset link for ${user.username}`}
          onClick={() => {
            setLinkFor(user.username);
            resetLink.mutate({ userId: user.id });
          }}
        >
          Reset link
        </Button>
        <Button
          aria-label={`Delete ${user.username}`}
          className="text-rose-700 dark:text-rose-400"
          onClick={() => {
            if (
              window.confirm(
                `Delete ${user.username} for good? Their messages stay in others’ chats, anonymised.`,
              )
            )
              remove.mutate({ userId: user.id });
          }}
        >
          Delete
        </Button>
      </span>
    );
  };

  return (
    <Section title="Accounts">
      <SearchField
        id="admin-user-search"
        label="Find by username or email"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {error && (
        <p role="alert" className="mt-2 text-sm text-rose-700 dark:text-rose-400">
          {error.message}
        </p>
      )}
      {resetLink.data && linkFor && (
        <div role="status" className="mt-2 space-y-1 rounded-md bg-slate-50 p-2 text-sm dark:bg-slate-900">
          <p>
            Give this link to {linkFor} (it works once, until {fullTime(resetLink.data.expiresAt)}); it lets
            them choose a new password and logs out their devices:
          </p>
          <input
            readOnly
            aria-label={`Reset link for ${linkFor}`}
            value={new URL(resetLink.data.path, window.location.origin).toString()}
            onFocus={(event) => event.currentTarget.select()}
            className="w-full rounded border border-slate-300 bg-white px-2 py-1 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
          />
        </div>
      )}
      <ul aria-label="Accounts" className="mt-3 divide-y divide-slate-100 dark:divide-slate-800">
        {users.data?.users.map((user) => (
          <li key={user.id} className="flex flex-wrap items-center justify-between gap-3 py-2">
            <span className="min-w-0">
              <span className="font-medium">{user.username}</span>
              {user.isAdmin && (
                <span className="ml-2 text-xs text-indigo-700 dark:text-indigo-300">admin</span>
              )}
              {user.deactivatedAt && (
                <span className="ml-2 text-xs text-rose-700 dark:text-rose-400">deactivated</span>
              )}
              <span className="block truncate text-xs text-slate-600 dark:text-slate-300">
                {user.email ?? 'no email'} · joined {fullTime(user.createdAt)}
              </span>
            </span>
            {actions(user)}
          </li>
        ))}
      </ul>
      {users.data?.users.length === 0 && <p className="mt-2 text-sm">No account matches.</p>}
    </Section>
  );
}
