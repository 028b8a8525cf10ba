import { password as newPasswordRule } from '@pigeon/schema';
import { useMutation } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Field } from '../components/field';
import { PasswordMeter } from '../components/password-meter';
import { BackToLogin, Notice, primaryButton, PublicCard } from '../components/recovery/public-card';
import { formText } from '../lib/form';
import { useTRPC } from '../lib/trpc';

/** Where a reset link opens (/reset?token=…): a new password, under the sign-up's rules and meter. */
export default function ResetPasswordPage() {
  const trpc = useTRPC();
  const token = useSearchParams()[0].get('token') ?? '';
  const [draft, setDraft] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const reset = useMutation(
    trpc.auth.resetPassword.mutationOptions({
      onError: (err) => {
        const zod = (err.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined)
          ?.zodError;
        setFieldError(zod?.fieldErrors?.newPassword?.[0]);
      },
    }),
  );

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const newPassword = formText(event.currentTarget, 'newPassword');
    const rule = newPasswordRule.safeParse(newPassword);
    if (!rule.success) {
      setFieldError(rule.error.issues[0]?.message);
      return;
    }
    setFieldError(undefined);
    reset.mutate({ token, newPassword });
  };

  if (!token) {
    return (
      <PublicCard title="Choose a new password">
        <Notice ok={false}>
          This link is incomplete. Open the whole link from the email, or{' '}
          <Link to="/forgot" className="underline">
            ask for a new one
          </Link>
          .
        </Notice>
        <BackToLogin />
      </PublicCard>
    );
  }

  if (reset.data) {
    return (
      <PublicCard title="Password changed">
        <Notice ok>
          The password of {reset.data.username} is changed, and every device that was logged in has been
          logged out. Log in with your new password.
        </Notice>
        <BackToLogin label="Log in" />
      </PublicCard>
    );
  }

  return (
    <PublicCard title="Choose a new password">
      <form noValidate onSubmit={submit} className="space-y-4">
        <Field
          id="new-password"
          name="newPassword"
          label="New password"
          type="password"
          autoComplete="new-password"
          className="text-base"
          error={fieldError}
          onChange={(event) => setDraft(event.currentTarget.value)}
          autoFocus
        />
        <PasswordMeter password={draft} userInputs={['pigeon']} />
        {reset.error && !fieldError && (
          <Notice ok={false}>
            {reset.error.message}{' '}
            {reset.error.data?.code === 'BAD_REQUEST' && (
              <Link to="/forgot" className="underline">
                Ask for a new link
              </Link>
            )}
          </Notice>
        )}
        <button type="submit" disabled={reset.isPending} className={primaryButton}>
          {reset.isPending ? 'Please wait…' : 'Set new password'}
        </button>
      </form>
      <BackToLogin />
    </PublicCard>
  );
}
