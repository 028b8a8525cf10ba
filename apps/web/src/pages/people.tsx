import type { PublicUser } from '@pigeon/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useDeferredValue, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '../components/button';
import { SearchField } from '../components/field';
import { PresenceDot } from '../components/presence';
import { Section } from '../components/section';
import { useTRPC } from '../lib/trpc';

function PersonRow({
  user,
  presence = false,
  children,
}: {
  user: PublicUser;
  /** Friends only: nobody else's presence is known. */
  presence?: boolean;
  children?: ReactNode;
}) {
  return (
    <li className="flex items-center justify-between gap-3 py-1.5">
      <span className="flex min-w-0 items-center gap-2">
        {presence && <PresenceDot userId={user.id} />}
        <Link to={`/people/${user.id}`} className="truncate hover:underline">
          {user.username}
        </Link>
      </span>
      <span className="flex shrink-0 gap-2">{children}</span>
    </li>
  );
}

const empty = (text: string) => <p className="text-sm text-slate-500 dark:text-slate-400">{text}</p>;

/** Discovery and friendships; every list here also updates from the live event stream. */
export default function PeoplePage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query.trim());

  const search = useQuery({
    ...trpc.users.search.queryOptions({ query: deferredQuery }),
    enabled: deferredQuery.length > 0,
  });
  const requests = useQuery(trpc.friends.requests.queryOptions());
  const friends = useQuery(trpc.friends.list.queryOptions());
  const suggestions = useQuery(trpc.friends.suggestions.queryOptions());
  const refreshFriends = () => queryClient.invalidateQueries({ queryKey: trpc.friends.pathKey() });

  const request = useMutation(trpc.friends.request.mutationOptions({ onSuccess: refreshFriends }));
  const accept = useMutation(trpc.friends.accept.mutationOptions({ onSuccess: refreshFriends }));
  const decline = useMutation(trpc.friends.decline.mutationOptions({ onSuccess: refreshFriends }));
  const cancel = useMutation(trpc.friends.cancel.mutationOptions({ onSuccess: refreshFriends }));
  const unfriend = useMutation(trpc.friends.remove.mutationOptions({ onSuccess: refreshFriends }));
  const block = useMutation(trpc.friends.block.mutationOptions({ onSuccess: refreshFriends }));
  const unblock = useMutation(trpc.friends.unblock.mutationOptions({ onSuccess: refreshFriends }));
  const blocked = useQuery(trpc.friends.blocked.queryOptions());
  const confirmThen = (question: string, act: () => void) => {
    if (window.confirm(question)) act();
  };
  const open = useMutation(
    trpc.conversations.open.mutationOptions({
      onSuccess: (conversation) => {
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
        void navigate(`/chats/${conversation.id}`);
      },
    }),
  );

  const friendIds = new Set((friends.data ?? []).map((f) => f.id));
  const outgoingIds = new Set((requests.data?.outgoing ?? []).map((r) => r.to.id));
  const incoming = requests.data?.incoming ?? [];
  const actionFor = (user: PublicUser) => {
    if (friendIds.has(user.id))
      return (
        <Button onClick={() => open.mutate({ userId: user.id })} aria-label={`Message ${user.username}`}>
          Message
        </Button>
      );
    if (outgoingIds.has(user.id))
      return <span className="text-sm text-slate-500 dark:text-slate-400">Request sent</span>;
    return (
      <Button
        variant="primary"
        onClick={() => request.mutate({ userId: user.id })}
        aria-label={`Add ${user.username} as a friend`}
      >
        Add friend
      </Button>
    );
  };

  return (
    <div className="mx-auto grid h-full max-w-5xl content-start items-start gap-4 overflow-y-auto p-4 md:grid-cols-2">
      <Section title="Find people">
        <SearchField
          id="people-search"
          label="Search by username"
          value={query}
          maxLength={32}
          onChange={(e) => setQuery(e.target.value)}
          className="mb-2"
        />
        {deferredQuery && (
          <ul aria-label="Search results" className="divide-y divide-slate-100 dark:divide-slate-800">
            {search.data?.users.map((user) => (
              <PersonRow key={user.id} user={user}>
                {actionFor(user)}
              </PersonRow>
            ))}
            {search.data?.users.length === 0 && empty('Nobody by that name.')}
          </ul>
        )}
        {request.error && (
          <p role="alert" className="mt-2 text-sm text-rose-700 dark:text-rose-400">
            {request.error.message}
          </p>
        )}
      </Section>

      <Section title="Friend requests">
        {incoming.length === 0 &&
          (requests.data?.outgoing.length ?? 0) === 0 &&
          empty('No pending requests.')}
        <ul aria-label="Incoming requests">
          {incoming.map((r) => (
            <PersonRow key={r.id} user={r.from}>
              <Button
                variant="primary"
                onClick={() => accept.mutate({ requestId: r.id })}
                aria-label={`Accept ${r.from.username}`}
              >
                Accept
              </Button>
              <Button
                onClick={() => decline.mutate({ requestId: r.id })}
                aria-label={`Decline ${r.from.username}`}
              >
                Decline
              </Button>
            </PersonRow>
          ))}
        </ul>
        <ul aria-label="Sent requests">
          {requests.data?.outgoing.map((r) => (
            <PersonRow key={r.id} user={r.to}>
              <span className="text-sm text-slate-500 dark:text-slate-400">Waiting for an answer</span>
              <Button
                onClick={() => cancel.mutate({ requestId: r.id })}
                aria-label={`Cancel the request to ${r.to.username}`}
              >
                Cancel
              </Button>
            </PersonRow>
          ))}
        </ul>
      </Section>

      <Section title="Friends">
        {friends.data?.length === 0 && empty('No friends yet: find someone above.')}
        <ul aria-label="Friends">
          {friends.data?.map((f) => (
            <PersonRow key={f.id} user={f} presence>
              {actionFor(f)}
              <Button
                onClick={() =>
                  confirmThen(`Remove ${f.username} from your friends?`, () =>
                    unfriend.mutate({ userId: f.id }),
                  )
                }
                aria-label={`Unfriend ${f.username}`}
              >
                Unfriend
              </Button>
              <Button
                onClick={() =>
                  confirmThen(`Block ${f.username}? They will not be able to find, ask or message you.`, () =>
                    block.mutate({ userId: f.id }),
                  )
                }
                aria-label={`Block ${f.username}`}
              >
                Block
              </Button>
            </PersonRow>
          ))}
        </ul>
      </Section>

      {(blocked.data?.length ?? 0) > 0 && (
        <Section title="Blocked">
          <ul aria-label="Blocked people">
            {blocked.data?.map((u) => (
              <PersonRow key={u.id} user={u}>
                <Button onClick={() => unblock.mutate({ userId: u.id })} aria-label={`Unblock ${u.username}`}>
                  Unblock
                </Button>
              </PersonRow>
            ))}
          </ul>
        </Section>
      )}

      <Section title="Suggestions">
        {suggestions.data?.length === 0 && empty('No suggestions right now.')}
        <ul aria-label="Suggestions">
          {suggestions.data?.map((s) => (
            <PersonRow key={s.id} user={s}>
              {s.mutualFriends > 0 && (
                <span className="text-xs text-slate-500 dark:text-slate-400">{s.mutualFriends} mutual</span>
              )}
              {actionFor(s)}
            </PersonRow>
          ))}
        </ul>
      </Section>
    </div>
  );
}
