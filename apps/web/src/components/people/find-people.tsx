import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { useTRPC } from '../../lib/trpc';
import { SearchField } from '../field';
import { Section } from '../section';
import { EmptyNote, PersonRow } from './person-row';
import { NextStep, type ReachOut } from './reach-out';

/** Finding someone by username or display name, with the next step for each one found. */
export function FindPeople({ reachOut }: { reachOut: ReachOut }) {
  const trpc = useTRPC();
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query.trim());
  const search = useQuery({
    ...trpc.users.search.queryOptions({ query: deferredQuery }),
    enabled: deferredQuery.length > 0,
  });
  return (
    <Section title="Find people">
      <SearchField
        id="people-search"
        label="Search by username or name"
        value={query}
        maxLength={32}
        onChange={(e) => setQuery(e.target.value)}
        className="mb-2"
      />
      {deferredQuery && (
        <ul aria-label="Search results" className="divide-y divide-slate-100 dark:divide-slate-800">
          {search.data?.users.map((user) => (
            <PersonRow key={user.id} user={user}>
              <NextStep user={user} reachOut={reachOut} />
            </PersonRow>
          ))}
          {search.data?.users.length === 0 && <EmptyNote>Nobody by that name.</EmptyNote>}
        </ul>
      )}
      {reachOut.askError && (
        <p role="alert" className="mt-2 text-sm text-rose-700 dark:text-rose-400">
          {reachOut.askError.message}
        </p>
      )}
    </Section>
  );
}
