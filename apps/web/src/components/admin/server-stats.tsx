import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';
import { Section } from '../section';

/** The server at a glance; fetched again every 15 s while the page is open. */
export function ServerStats() {
  const trpc = useTRPC();
  const stats = useQuery({ ...trpc.admin.stats.queryOptions(), refetchInterval: 15_000 });
  const figures = stats.data
    ? [
        ['Accounts', stats.data.users],
        ['Deactivated', stats.data.deactivatedUsers],
        ['Messages', stats.data.messages],
        ['Connected now', stats.data.connectedUsers],
      ]
    : [];
  return (
    <Section title="Server">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {figures.map(([label, value]) => (
          <div key={label} className="rounded-md bg-slate-50 p-3 dark:bg-slate-900">
            <dt className="text-sm text-slate-600 dark:text-slate-300">{label}</dt>
            <dd className="text-2xl font-semibold tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}
