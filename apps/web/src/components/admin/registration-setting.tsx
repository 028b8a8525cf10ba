import type { RegistrationMode } from '@pigeon/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';
import { Section } from '../section';

const MODES: { mode: RegistrationMode; label: string; meaning: string }[] = [
  { mode: 'open', label: 'Open', meaning: 'Anyone who reaches this server can create an account.' },
  { mode: 'invite', label: 'Invite only', meaning: 'Only people with an invite link you made.' },
  { mode: 'closed', label: 'Closed', meaning: 'Nobody can create an account.' },
];

/** Who may sign up: the admin's choice, stored on the server (it overrides REGISTRATION_MODE). */
export function RegistrationSetting() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.admin.settings.queryOptions());
  const update = useMutation(
    trpc.admin.updateSettings.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(trpc.admin.settings.queryKey(), next);
        void queryClient.invalidateQueries({ queryKey: trpc.admin.stats.queryKey() });
      },
    }),
  );
  return (
    <Section title="Registration">
      <fieldset disabled={!settings.data || update.isPending} className="space-y-2">
        <legend className="sr-only">Who can create an account</legend>
        {MODES.map(({ mode, label, meaning }) => (
          <label key={mode} className="flex items-start gap-3">
            <input
              type="radio"
              name="registration-mode"
              className="mt-1 size-4"
              checked={settings.data?.registrationMode === mode}
              onChange={() => update.mutate({ registrationMode: mode })}
            />
            <span>
              <span className="font-medium">{label}</span>
              <span className="block text-sm text-slate-600 dark:text-slate-300">{meaning}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {settings.data && (
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
          The server’s default (REGISTRATION_MODE) is “{settings.data.registrationModeDefault}”.
        </p>
      )}
      {update.error && (
        <p role="alert" className="mt-2 text-sm text-rose-700 dark:text-rose-400">
          {update.error.message}
        </p>
      )}
    </Section>
  );
}
