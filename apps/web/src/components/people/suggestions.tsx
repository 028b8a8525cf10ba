import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';
import { Section } from '../section';
import { EmptyNote, PersonRow } from './person-row';
import { NextStep, type ReachOut } from './reach-out';

/** People one may know: friends of friends (with how many friends they share), then newcomers. */
export function Suggestions({ reachOut }: { reachOut: ReachOut }) {
  const trpc = useTRPC();
  const suggestions = useQuery(trpc.friends.suggestions.queryOptions());
  return (
    <Section title="Suggestions">
      {suggestions.data?.length === 0 && <EmptyNote>No suggestions right now.</EmptyNote>}
      <ul aria-label="Suggestions">
        {suggestions.data?.map((s) => (
          <PersonRow key={s.id} user={s}>
            {s.mutualFriends > 0 && (
              <span className="text-xs text-slate-500 dark:text-slate-400">{s.mutualFriends} mutual</span>
            )}
            <NextStep user={s} reachOut={reachOut} />
          </PersonRow>
        ))}
      </ul>
    </Section>
  );
}
