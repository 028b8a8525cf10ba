import { useMutation, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../button';
import { Section } from '../section';
import { EmptyNote, PersonRow } from './person-row';
import { useRefreshFriends } from './use-refresh-friends';
import { personName } from '../../lib/names';

/** Requests to answer (accept or decline), and one's own still waiting (to cancel). */
export function FriendRequests() {
  const trpc = useTRPC();
  const refreshFriends = useRefreshFriends();
  const requests = useQuery(trpc.friends.requests.queryOptions());
  const accept = useMutation(trpc.friends.accept.mutationOptions({ onSuccess: refreshFriends }));
  const decline = useMutation(trpc.friends.decline.mutationOptions({ onSuccess: refreshFriends }));
  const cancel = useMutation(trpc.friends.cancel.mutationOptions({ onSuccess: refreshFriends }));
  const incoming = requests.data?.incoming ?? [];
  const outgoing = requests.data?.outgoing;
  return (
    <Section title="Friend requests">
      {incoming.length === 0 && (outgoing?.length ?? 0) === 0 && <EmptyNote>No pending requests.</EmptyNote>}
      <ul aria-label="Incoming requests">
        {incoming.map((r) => (
          <PersonRow key={r.id} user={r.from}>
            <Button
              variant="primary"
              onClick={() => accept.mutate({ requestId: r.id })}
              aria-label={`Accept ${personName(r.from)}`}
            >
              Accept
            </Button>
            <Button
              onClick={() => decline.mutate({ requestId: r.id })}
              aria-label={`Decline ${personName(r.from)}`}
            >
              Decline
            </Button>
          </PersonRow>
        ))}
      </ul>
      <ul aria-label="Sent requests">
        {outgoing?.map((r) => (
          <PersonRow key={r.id} user={r.to}>
            <span className="text-sm text-slate-500 dark:text-slate-400">Waiting for an answer</span>
            <Button
              onClick={() => cancel.mutate({ requestId: r.id })}
              aria-label={`Cancel the request to ${personName(r.to)}`}
            >
              Cancel
            </Button>
          </PersonRow>
        ))}
      </ul>
    </Section>
  );
}
