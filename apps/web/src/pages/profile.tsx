import { updateProfileInput, type Me } from '@pigeon/schema';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { ChangePassword, Devices, YourData } from '../components/account-security';
import { Button } from '../components/button';
import { Field } from '../components/field';
import { Section } from '../components/section';
import { Spinner } from '../components/spinner';
import { askForNotifications, notificationPermission } from '../lib/notifications';
import { useMe } from '../lib/me';
import { leavePresence } from '../lib/presence';
import { fullTime } from '../lib/time';
import { useTRPC } from '../lib/trpc';
import { formText } from '../lib/form';

/** Your account: who you are to others, how to reach you, and your preferences. */
export default function ProfilePage() {
  const me = useMe();
  if (!me) return <Spinner label="Loading your profile" />;
  return (
    <div className="mx-auto grid h-full max-w-3xl content-start gap-4 overflow-y-auto p-4">
      <h1 className="text-xl font-semibold">Your profile</h1>
      <ProfileForm me={me} />
      <Preferences />
      <Section title="Notifications">
        <NotificationsSetting />
      </Section>
      <Section title="Devices">
        <Devices />
      </Section>
      <Section title="Password">
        <ChangePassword />
      </Section>
      <LogOut />
      <Section title="Your data">
        <YourData />
      </Section>
    </div>
  );
}

function ProfileForm({ me }: { me: Me }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<{ username?: string; email?: string; form?: string }>({});
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.auth.updateProfile.mutationOptions({
      onSuccess: (updated) => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), updated);
        setSaved(true);
      },
      onError: (err) => {
        const field = err.message.includes('email')
          ? 'email'
          : err.message.includes('username')
            ? 'username'
            : 'form';
        setErrors({ [field]: err.message });
      },
    }),
  );

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const read = (name: string) => formText(form, name);
    const changes = {
      ...(read('username') !== me.username ? { username: read('username') } : {}),
      ...(read('email') !== (me.email ?? '') ? { email: read('email') } : {}),
    };
    setSaved(false);
    if (Object.keys(changes).length === 0) {
      setErrors({ form: 'Nothing to save: change a field first.' });
      return;
    }
    const parsed = updateProfileInput.safeParse(changes);
    if (!parsed.success) {
      const issue = (name: string) => parsed.error.issues.find((i) => i.path[0] === name)?.message;
      setErrors({ username: issue('username'), email: issue('email') });
      return;
    }
    setErrors({});
    update.mutate(parsed.data);
  };

  return (
    <Section title="Account">
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">
        Member since <time dateTime={me.createdAt}>{fullTime(me.createdAt)}</time>. Your email is never shown
        to anyone else.
      </p>
      <form noValidate onSubmit={submit} className="space-y-3">
        <Field
          id="profile-username"
          name="username"
          label="Username"
          defaultValue={me.username}
          autoComplete="username"
          error={errors.username}
        />
        <Field
          id="profile-email"
          name="email"
          label="Email"
          type="email"
          defaultValue={me.email ?? ''}
          autoComplete="email"
          error={errors.email}
        />
        {errors.form && (
          <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
            {errors.form}
          </p>
        )}
        {saved && (
          <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
            Saved.
          </p>
        )}
        <Button type="submit" variant="primary" disabled={update.isPending}>
          Save changes
        </Button>
      </form>
    </Section>
  );
}

function Preferences() {
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
      <label className="flex items-start gap-3">
        <input
          type="checkbox"
          className="mt-1"
          checked={settings.data?.sendReadReceipts ?? true}
          disabled={!settings.data || update.isPending}
          onChange={(e) => update.mutate({ sendReadReceipts: e.target.checked })}
        />
        <span>
          <span className="font-medium">Read receipts</span>
          <span className="block text-sm text-slate-600 dark:text-slate-300">
            Let people see when you have read their messages. Turned off, you will not see theirs either.
          </span>
        </span>
      </label>
      <label className="mt-3 flex items-start gap-3">
        <input
          type="checkbox"
          className="mt-1"
          checked={settings.data?.showPresence ?? true}
          disabled={!settings.data || update.isPending}
          onChange={(e) => update.mutate({ showPresence: e.target.checked })}
        />
        <span>
          <span className="font-medium">Show my presence</span>
          <span className="block text-sm text-slate-600 dark:text-slate-300">
            Let friends see when you are online or away, and when you were last seen. Turned off, you look
            offline to everyone; you still see theirs.
          </span>
        </span>
      </label>
    </Section>
  );
}

function LogOut() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const logout = useMutation(trpc.auth.logout.mutationOptions({ onSettled: () => queryClient.clear() }));
  return (
    <Section title="Session">
      <Button onClick={() => void leavePresence().then(() => logout.mutate())} disabled={logout.isPending}>
        Log out
      </Button>
    </Section>
  );
}

function NotificationsSetting() {
  const [permission, setPermission] = useState(notificationPermission);
  if (permission === 'unsupported') return <p className="text-sm">This browser cannot show notifications.</p>;
  if (permission === 'granted') {
    return (
      <p className="text-sm">
        On: new messages notify you while Pigeon is in the background (muted chats never do).
      </p>
    );
  }
  if (permission === 'denied') {
    return (
      <p className="text-sm">Blocked in this browser's site settings; allow them there to turn them on.</p>
    );
  }
  return (
    <Button onClick={() => void askForNotifications().then(setPermission)}>Turn on notifications</Button>
  );
}
