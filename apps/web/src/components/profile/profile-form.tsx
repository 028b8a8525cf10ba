import { limits, updateProfileInput, type Me } from '@pigeon/schema';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { formText } from '../../lib/form';
import { fullTime } from '../../lib/time';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../button';
import { Field } from '../field';
import { Section } from '../section';
import { EmailStatus } from './email-status';

/** One's names and email, checked by the shared schema before they are sent. */
export function ProfileForm({ me }: { me: Me }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<{
    username?: string;
    displayName?: string;
    email?: string;
    form?: string;
  }>({});
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
            : err.message.startsWith('Display name')
              ? 'displayName'
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
      ...(read('displayName').trim() !== (me.displayName ?? '') ? { displayName: read('displayName') } : {}),
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
      setErrors({ username: issue('username'), displayName: issue('displayName'), email: issue('email') });
      return;
    }
    setErrors({});
    update.mutate(parsed.data);
  };

  return (
    <Section title="Account">
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">
        Member since <time dateTime={me.createdAt}>{fullTime(me.createdAt)}</time>. Your email is never shown
        to anyone else. Others see your display name (your username when you leave it empty), with your
        @username beside it.
      </p>
      <form noValidate onSubmit={submit} className="space-y-3">
        <Field
          id="profile-display-name"
          name="displayName"
          label="Display name"
          defaultValue={me.displayName ?? ''}
          maxLength={limits.displayName.max}
          autoComplete="name"
          error={errors.displayName}
        />
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
        <EmailStatus me={me} />
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
