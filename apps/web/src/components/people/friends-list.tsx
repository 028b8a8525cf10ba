import { useMutation, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../button';
import { Section } from '../section';
import { EmptyNote, PersonRow } from './person-row';
import { NextStep, type ReachOut } from './reach-out';
import { useRefreshFriends } from './use-refresh-friends';
import { personName } from '../../lib/names';

const confirmThen = (question: string, act: () => void) => {
  if (window.confirm(question)) act();
};

/** One's friends, with their presence: message, unfriend or block each. */
export function FriendsList({ reachOut }: { reachOut: ReachOut }) {
  const trpc = useTRPC();
  const refreshFriends = useRefreshFriends();
  const friends = useQuery(trpc.friends.list.queryOptions());
  const unfriend = useMutation(trpc.friends.remove.mutationOptions({ onSuccess: refreshFriends }));
  const block = useMutation(trpc.friends.block.mutationOptions({ onSuccess: refreshFriends }));
  return (
    <Section title="Friends">
      {friends.data?.length === 0 && <EmptyNote>No friends yet: find someone above.</EmptyNote>}
      <ul aria-label="Friends">
        {friends.data?.map((f) => (
          <PersonRow key={f.id} user={f} presence>
            <NextStep user={f} reachOut={reachOut} />
            <Button
              onClick={() =>
                confirmThen(`Remove ${personName(f)} from your friends?`, () =>
                  unfriend.mutate({ userId: f.id }),
                )
              }
              aria-label={`Unfriend ${personName(f)}`}
            >
              Unfriend
            </Button>
            <Button
              onClick={() =>
                confirmThen(
                  `Block ${personName(f)}? They will not be able to find, ask or message you.`,
                  () => block.mutate({ userId: f.id }),
                )
              }
              aria-label={`Block ${personName(f)}`}
            >
              Block
            </Button>
          </PersonRow>
        ))}
      </ul>
    </Section>
  );
}
