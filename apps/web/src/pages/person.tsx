import type { UserCard } from '@pigeon/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { BotBadge } from '../components/bot-badge';
import { Button } from '../components/button';
import { Spinner } from '../components/spinner';
import { fullTime } from '../lib/time';
import { useTRPC } from '../lib/trpc';
import { Avatar } from '../components/avatar';
import { personName } from '../lib/names';

const STANDING: Record<UserCard['relationship'], string> = {
  self: 'This is you.',
  friend: 'You are friends.',
  request_sent: 'You asked to be friends; waiting for an answer.',
  request_received: 'They asked to be your friend.',
  blocked: 'You blocked them.',
  none: 'You are not friends yet.',
};

/** Someone's public card: their name, since when they are here, and what you can do. */
export default function PersonPage() {
  const { userId = '' } = useParams();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const card = useQuery(trpc.users.card.queryOptions({ userId }));
  const requests = useQuery(trpc.friends.requests.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.pathKey() });
  const options = { onSuccess: refresh };
  const request = useMutation(trpc.friends.request.mutationOptions(options));
  const accept = useMutation(trpc.friends.accept.mutationOptions(options));
  const cancel = useMutation(trpc.friends.cancel.mutationOptions(options));
  const unblock = useMutation(trpc.friends.unblock.mutationOptions(options));
  const open = useMutation(
    trpc.conversations.open.mutationOptions({ onSuccess: (c) => void navigate(`/chats/${c.id}`) }),
  );

  if (card.isError) {
    return (
      <p role="alert" className="m-auto p-8 text-rose-700 dark:text-rose-400">
        {card.error.message}
      </p>
    );
  }
  if (!card.data) return <Spinner label="Loading profile" />;
  const person = card.data;
  const incoming = requests.data?.incoming.find((r) => r.from.id === person.id);
  const outgoing = requests.data?.outgoing.find((r) => r.to.id === person.id);
  return (
    <div className="mx-auto max-w-md p-6">
      <section
        aria-labelledby="person-name"
        className="rounded-lg border border-slate-200 p-6 dark:border-slate-800"
      >
        <div className="flex items-center gap-4">
          <Avatar name={personName(person)} seed={person.id} src={person.avatarUrl} size="lg" />
          <div className="min-w-0">
            <h1 id="person-name" className="flex items-center gap-2 text-xl font-semibold">
              <span className="truncate">{personName(person)}</span>
              <BotBadge isBot={person.isBot} />
            </h1>
            <p className="truncate text-sm text-slate-600 dark:text-slate-300">@{person.username}</p>
          </div>
        </div>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
          On Pigeon since <time dateTime={person.memberSince}>{fullTime(person.memberSince)}</time>
        </p>
        <p className="mt-3" data-testid="relationship">
          {STANDING[person.relationship]}
        </p>
        <div className="mt-4 flex flex-wrap gap-2">
          {person.relationship === 'friend' && (
            <Button variant="primary" onClick={() => open.mutate({ userId: person.id })}>
              Message
            </Button>
          )}
          {person.relationship === 'none' && (
            <Button variant="primary" onClick={() => request.mutate({ userId: person.id })}>
              Add friend
            </Button>
          )}
          {person.relationship === 'request_received' && incoming && (
            <Button variant="primary" onClick={() => accept.mutate({ requestId: incoming.id })}>
              Accept
            </Button>
          )}
          {person.relationship === 'request_sent' && outgoing && (
            <Button onClick={() => cancel.mutate({ requestId: outgoing.id })}>Cancel request</Button>
          )}
          {person.relationship === 'blocked' && (
            <Button onClick={() => unblock.mutate({ userId: person.id })}>Unblock</Button>
          )}
        </div>
      </section>
    </div>
  );
}
