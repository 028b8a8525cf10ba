import { requestPasswordResetInput } from '@pigeon/schema';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { Field } from '../components/field';
import { BackToLogin, Notice, primaryButton, PublicCard } from '../components/recovery/public-card';
import { formText } from '../lib/form';
import { useTRPC } from '../lib/trpc';

/**
 * "Forgot password?": asks for the account's email and has a reset link mailed to it. A server
 * without email says so, and who can help instead.
 */
export default function ForgotPasswordPage() {
  const trpc = useTRPC();
  const recovery = useQuery(trpc.auth.recovery.queryOptions());
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [sentTo, setSentTo] = useState<string | null>(null);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = requestPasswordResetInput.safeParse({ email: formText(event.currentTarget, 'email') });
    if (!parsed.success) {
      setFieldError(parsed.error.issues[0]?.message);
      return;
    }
    setFieldError(undefined);
    request.mutate(parsed.data, { onSuccess: () => setSentTo(parsed.data.email) });
  };

  if (recovery.data?.emailDelivery === false) {
    return (
      <PublicCard title="Forgot your password?">
        <Notice ok>
          This server does not send email, so it cannot mail you a reset link. Ask the server’s admin: they
          can give you a link to choose a new password.
        </Notice>
        <BackToLogin />
      </PublicCard>
    );
  }

  return (
    <PublicCard title="Forgot your password?">
      {sentTo ? (
        <Notice ok>
          If an account uses {sentTo}, a link to choose a new password is on its way. It works once, for 30
          minutes. Nothing there? Look in your spam folder, or ask again in a few minutes.
        </Notice>
      ) : (
        <form noValidate onSubmit={submit} className="space-y-4">
          <p className="text-sm text-slate-600 dark:text-slate-300">
            Enter the email of your account, and we will send you a link to choose a new password.
          </p>
          <Field
            id="email"
            name="email"
            label="Email"
            type="email"
            autoComplete="email"
            className="text-base"
            error={fieldError}
            autoFocus
          />
          {request.error && <Notice ok={false}>{request.error.message}</Notice>}
          <button type="submit" disabled={request.isPending || recovery.isPending} className={primaryButton}>
            {request.isPending ? 'Please wait…' : 'Send reset link'}
          </button>
        </form>
      )}
      <BackToLogin />
    </PublicCard>
  );
}
