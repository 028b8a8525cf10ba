import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTRPC } from '../../lib/trpc';
import { Section } from '../section';

const toggleClass = 'flex items-start gap-3';

/** A setting that is on or off, with what it means under its name. */
function Toggle({
  label,
  checked,
  disabled,
  onChange,
  className,
  children,
}: {
  label: string;
  checked: boolean;
  disabled: boolean;
  onChange: (on: boolean) => void;
  className?: string;
  children: ReactNode;
}) {
  return (
    <label className={className ? `${className} ${toggleClass}` : toggleClass}>
      <input
        type="checkbox"
        className="mt-1"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span>
        <span className="font-medium">{label}</span>
        <span className="block text-sm text-slate-600 dark:text-slate-300">{children}</span>
      </span>
    </label>
  );
}

/** What others may learn about one: read receipts (symmetric) and presence. */
export function PrivacySettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.settings.get.queryOptions());
  const update = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(trpc.settings.get.queryKey(), next);
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.list.queryKey() });
      },
    }),
  );
  return (
    <Section title="Privacy">
      <Toggle
        label="Read receipts"
        checked={settings.data?.sendReadReceipts ?? true}
        disabled={!settings.data || update.isPending}
        onChange={(on) => update.mutate({ sendReadReceipts: on })}
      >
        Let people see when you have read their messages. Turned off, you will not see theirs either.
      </Toggle>
      <Toggle
        className="mt-3"
        label="Show my presence"
        checked={settings.data?.showPresence ?? true}
        disabled={!settings.data || update.isPending}
        onChange={(on) => update.mutate({ showPresence: on })}
      >
        Let friends see when you are online or away, and when you were last seen. Turned off, you look offline
        to everyone; you still see theirs.
      </Toggle>
    </Section>
  );
}
