import { password as newPasswordRule } from '@pigeon/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { formText } from '../lib/form';
import { downloadExport } from '../lib/export-download';
import { useMe } from '../lib/me';
import { useSessionTokens } from '../lib/session-tokens';
import { fullTime } from '../lib/time';
import { useTRPC } from '../lib/trpc';
import { Button } from './button';
import { Field } from './field';
import { PasswordMeter } from './password-meter';
import { oneTimeCodeInput, useTwoFactorOn } from './profile/two-factor';

/** Where you are logged in, and a way to end any of it. */
export function Devices() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() });
  const revoke = useMutation(trpc.auth.revokeSession.mutationOptions({ onSuccess: refresh }));
  const revokeOthers = useMutation(trpc.auth.revokeOtherSessions.mutationOptions({ onSuccess: refresh }));
  const others = (sessions.data ?? []).filter((s) => !s.current);
  return (
    <>
      <ul aria-label="Your devices" className="divide-y divide-slate-100 dark:divide-slate-800">
        {sessions.data?.map((s) => (
          <li key={s.id} className="flex items-center justify-between gap-3 py-2">
            <span>
              <span className="font-medium">{s.device}</span>
              {s.current && (
                <span className="ml-2 text-xs text-emerald-700 dark:text-emerald-400">this device</span>
              )}
              {s.secondFactor && (
                <span className="ml-2 text-xs text-slate-600 dark:text-slate-300">two-factor</span>
              )}
              <span className="block text-xs text-slate-600 dark:text-slate-300">
                Since {fullTime(s.createdAt)} · last used {fullTime(s.lastUsedAt)}
              </span>
            </span>
            {!s.current && (
              <Button onClick={() => revoke.mutate({ sessionId: s.id })} aria-label={`Log out ${s.device}`}>
                Log out
              </Button>
            )}
          </li>
        ))}
      </ul>
      {others.length > 0 && (
        <Button className="mt-2" onClick={() => revokeOthers.mutate()}>
          Log out all other devices
        </Button>
      )}
    </>
  );
}

export function ChangePassword() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [newPassword, setNewPassword] = useState('');
  const me = useMe();
  const twoFactorOn = useTwoFactorOn();
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: ({ ended }) => {
        setMessage({ ok: true, text: `Password changed. ${ended} other device(s) logged out.` });
        void queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() });
      },
      onError: (err) => setMessage({ ok: false, text: err.message }),
    }),
  );
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const currentPassword = formText(event.currentTarget, 'currentPassword');
    const newPassword = formText(event.currentTarget, 'newPassword');
    const rule = newPasswordRule.safeParse(newPassword);
    if (!rule.success) {
      setMessage({ ok: false, text: rule.error.issues[0]?.message ?? 'Choose another password.' });
      return;
    }
    const code = twoFactorOn ? formText(event.currentTarget, 'passwordCode') : '';
    change.mutate({ currentPassword, newPassword, ...(code ? { code } : {}) });
  };
  return (
    <form noValidate onSubmit={submit} className="space-y-3">
      <Field
        id="current-password"
        name="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
      />
      <Field
        id="new-password"
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        onChange={(event) => setNewPassword(event.currentTarget.value)}
      />
      <PasswordMeter password={newPassword} userInputs={[me?.username ?? '', me?.email ?? '', 'pigeon']} />
      {twoFactorOn && (
        <Field id="password-code" name="passwordCode" label="Two-factor code" {...oneTimeCodeInput} />
      )}
      {message && (
        <p
          role={message.ok ? 'status' : 'alert'}
          className={
            message.ok
              ? 'text-sm text-emerald-700 dark:text-emerald-400'
              : 'text-sm text-rose-700 dark:text-rose-400'
          }
        >
          {message.text}
        </p>
      )}
      <Button type="submit" variant="primary" disabled={change.isPending}>
        Change password
      </Button>
    </form>
  );
}

/** Your data as a zip (the JSON export and your files), and the way out. */
export function YourData() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const twoFactorOn = useTwoFactorOn();
  const remove = useMutation(
    trpc.auth.deleteAccount.mutationOptions({
      onSuccess: () => queryClient.clear(),
      onError: (err) => setError(err.message),
    }),
  );
  const tokens = useSessionTokens();
  const [downloading, setDownloading] = useState(false);
  const download = async () => {
    setDownloading(true);
    setError(null);
    try {
      await downloadExport(tokens);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Your data could not be downloaded; try again.');
    } finally {
      setDownloading(false);
    }
  };
  return (
    <div className="space-y-4">
      <Button onClick={() => void download()} disabled={downloading} aria-busy={downloading}>
        Download my data
      </Button>
      <form
        noValidate
        className="space-y-2"
        onSubmit={(event) => {
          event.preventDefault();
          const password = formText(event.currentTarget, 'deletePassword');
          const code = twoFactorOn ? formText(event.currentTarget, 'deleteCode') : '';
          if (
            window.confirm('Delete your account for good? Your messages stay in others’ chats, anonymised.')
          ) {
            remove.mutate({ password, ...(code ? { code } : {}) });
          }
        }}
      >
        <Field
          id="delete-password"
          name="deletePassword"
          label="Password, to delete your account"
          type="password"
          autoComplete="current-password"
        />
        {twoFactorOn && (
          <Field id="delete-code" name="deleteCode" label="Two-factor code" {...oneTimeCodeInput} />
        )}
        {error && (
          <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
            {error}
          </p>
        )}
        <Button type="submit" className="border-rose-400 text-rose-800 dark:text-rose-300">
          Delete my account
        </Button>
      </form>
    </div>
  );
}
