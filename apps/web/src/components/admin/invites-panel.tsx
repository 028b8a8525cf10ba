import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { formText } from '../../lib/form';
import { fullTime } from '../../lib/time';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../button';
import { Field } from '../field';
import { Section } from '../section';

const inviteLink = (code: string) => `${window.location.origin}/register?invite=${encodeURIComponent(code)}`;

/** Invite links: made here, shown once (the server keeps only a hash), listed with their use. */
export function InvitesPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invites = useQuery(trpc.admin.invites.queryOptions());
  const [newLink, setNewLink] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.invites.queryKey() });
  const create = useMutation(
    trpc.admin.createInvite.mutationOptions({
      onSuccess: ({ code }) => {
        setNewLink(inviteLink(code));
        void refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.admin.revokeInvite.mutationOptions({ onSuccess: refresh }));

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    create.mutate({
      maxUses: Number(formText(form, 'max-uses')) || 1,
      expiresInHours: (Number(formText(form, 'expires-days')) || 7) * 24,
    });
  }

  return (
    <Section title="Invites">
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <Field
          id="max-uses"
          name="max-uses"
          label="Accounts it can make"
          type="number"
          min={1}
          max={1000}
          defaultValue={1}
        />
        <Field
          id="expires-days"
          name="expires-days"
          label="Valid for (days)"
          type="number"
          min={1}
          max={90}
          defaultValue={7}
        />
        <Button type="submit" variant="primary" disabled={create.isPending}>
          Make an invite link
        </Button>
      </form>
      {create.error && (
        <p role="alert" className="mt-2 text-sm text-rose-700 dark:text-rose-400">
          {create.error.message}
        </p>
      )}
      {newLink && (
        <div role="status" className="mt-3 rounded-md bg-emerald-50 p-3 text-sm dark:bg-emerald-950">
          <p className="font-medium">Send this link to the person you invite. It is shown only now.</p>
          <input
            readOnly
            aria-label="Invite link"
            value={newLink}
            onFocus={(e) => e.currentTarget.select()}
            className="mt-2 w-full rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-xs dark:border-slate-700 dark:bg-slate-900"
          />
          <Button className="mt-2" onClick={() => void navigator.clipboard.writeText(newLink)}>
            Copy link
          </Button>
        </div>
      )}
      <ul aria-label="Invites" className="mt-3 divide-y divide-slate-100 dark:divide-slate-800">
        {invites.data?.map((invite) => (
          <li key={invite.id} className="flex items-center justify-between gap-3 py-2 text-sm">
            <span>
              Used {invite.uses} of {invite.maxUses} · made {fullTime(invite.createdAt)} ·{' '}
              {invite.revokedAt ? 'revoked' : `until ${fullTime(invite.expiresAt)}`}
            </span>
            {invite.usable && <Button onClick={() => revoke.mutate({ inviteId: invite.id })}>Revoke</Button>}
          </li>
        ))}
      </ul>
    </Section>
  );
}
