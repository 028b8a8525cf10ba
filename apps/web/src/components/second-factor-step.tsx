import type { PigeonClient } from '@pigeon/client';
import { TRPCClientError } from '@pigeon/client';
import { useState, type SubmitEvent } from 'react';
import { formText } from '../lib/form';
import { Field } from './field';

/**
 * The login's second step: the password was right, and the account wants a code from the
 * authenticator app (or a recovery code). The session link stores the session it answers.
 */
export function SecondFactorStep({
  client,
  challenge,
  onRestart,
}: {
  client: PigeonClient;
  challenge: string;
  onRestart: () => void;
}) {
  const [recovery, setRecovery] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = formText(event.currentTarget, 'code');
    setError(null);
    setBusy(true);
    try {
      await client.auth.loginSecondFactor.mutate({ challenge, code, cookie: true });
    } catch (err) {
      setError(
        err instanceof TRPCClientError
          ? err.message
          : 'Could not reach the server. Check your connection and try again.',
      );
      setBusy(false);
    }
  }

  return (
    <form noValidate onSubmit={(e) => void submit(e)} className="space-y-4">
      <p className="text-sm text-slate-600 dark:text-slate-300">
        {recovery
          ? 'Enter one of your recovery codes. Each works once.'
          : 'Enter the 6-digit code from your authenticator app.'}
      </p>
      <Field
        key={recovery ? 'recovery' : 'app'}
        id="code"
        name="code"
        label={recovery ? 'Recovery code' : 'Authentication code'}
        className="text-base"
        autoComplete={recovery ? 'off' : 'one-time-code'}
        inputMode={recovery ? 'text' : 'numeric'}
        autoFocus
        error={error ?? undefined}
      />
      <button
        type="submit"
        disabled={busy}
        className="w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-60"
      >
        {busy ? 'Please wait…' : 'Verify'}
      </button>
      <div className="flex justify-between text-sm">
        <button
          type="button"
          className="font-medium text-indigo-700 underline dark:text-indigo-300"
          onClick={() => {
            setRecovery(!recovery);
            setError(null);
          }}
        >
          {recovery ? 'Use a code from the app' : 'Use a recovery code'}
        </button>
        <button type="button" className="underline" onClick={onRestart}>
          Start over
        </button>
      </div>
    </form>
  );
}
