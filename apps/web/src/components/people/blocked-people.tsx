import { useMutation, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../button';
import { Section } from '../section';
import { PersonRow } from './person-row';
import { useRefreshFriends } from './use-refresh-friends';
import { personName } from '../../lib/names';

/** Whom one has blocked, to unblock; not shown at all while there is nobody. */
export function BlockedPeople() {
  const trpc = useTRPC();
  const refreshFriends = useRefreshFriends();
  const blocked = useQuery(trpc.friends.blocked.queryOptions());
  const unblock = useMutation(trpc.friends.unblock.mutationOptions({ onSuccess: refreshFriends }));
  if (!blocked.data?.length) return null;
  return (
    <Section title="Blocked">
      <ul aria-label="Blocked people">
        {blocked.data.map((u) => (
          <PersonRow key={u.id} user={u}>
            <Button onClick={() => unblock.mutate({ userId: u.id })} aria-label={`Unblock ${personName(u)}`}>
              Unblock
            </Button>
          </PersonRow>
        ))}
      </ul>
    </Section>
  );
}
