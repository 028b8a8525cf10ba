import type { PublicUser } from '@pigeon/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../button';
import { useRefreshFriends } from './use-refresh-friends';
import { personName } from '../../lib/names';

/**
 * The next step with someone, the same in every list they show up in: message a friend, wait
 * for an answer to one's request, or ask. One request for the whole page, so its error shows in
 * one place.
 */
export function useReachOut() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const refreshFriends = useRefreshFriends();
  const friends = useQuery(trpc.friends.list.queryOptions());
  const requests = useQuery(trpc.friends.requests.queryOptions());
  const request = useMutation(trpc.friends.request.mutationOptions({ onSuccess: refreshFriends }));
  const open = useMutation(
    trpc.conversations.open.mutationOptions({
      onSuccess: (conversation) => {
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
        void navigate(`/chats/${conversation.id}`);
      },
    }),
  );
  const friendIds = new Set((friends.data ?? []).map((f) => f.id));
  const askedIds = new Set((requests.data?.outgoing ?? []).map((r) => r.to.id));

  return {
    standingWith: (user: PublicUser): 'friend' | 'asked' | 'none' =>
      friendIds.has(user.id) ? 'friend' : askedIds.has(user.id) ? 'asked' : 'none',
    message: (user: PublicUser) => open.mutate({ userId: user.id }),
    ask: (user: PublicUser) => request.mutate({ userId: user.id }),
    askError: request.error,
  };
}

export type ReachOut = ReturnType<typeof useReachOut>;

export function NextStep({ user, reachOut }: { user: PublicUser; reachOut: ReachOut }) {
  const standing = reachOut.standingWith(user);
  if (standing === 'friend') {
    return (
      <Button onClick={() => reachOut.message(user)} aria-label={`Message ${personName(user)}`}>
        Message
      </Button>
    );
  }
  if (standing === 'asked')
    return <span className="text-sm text-slate-500 dark:text-slate-400">Request sent</span>;
  return (
    <Button
      variant="primary"
      onClick={() => reachOut.ask(user)}
      aria-label={`Add friend ${personName(user)}`}
    >
      Add friend
    </Button>
  );
}
