import type { PigeonClient } from '@pigeon/client';
import { secondFactorChallengeOf, TRPCClientError } from '@pigeon/client';
import { loginInput, registerInput } from '@pigeon/schema';
import { useState, type SubmitEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Field } from '../components/field';
import { InsecureConnectionWarning } from '../components/insecure-connection';
import { PasswordMeter } from '../components/password-meter';
import { SecondFactorStep } from '../components/second-factor-step';
import { formText } from '../lib/form';

type Mode = 'login' | 'register';
type FieldName = 'username' | 'email' | 'password';
type FieldErrors = Partial<Record<FieldName, string>>;
const FIELD_NAMES: readonly PropertyKey[] = ['username', 'email', 'password'];

const COPY = {
  login: {
    title: 'Log in to Pigeon',
    action: 'Log in',
    other: 'No account yet?',
    otherLink: 'Create one',
    to: '/register',
  },
  register: {
    title: 'Create your account',
    action: 'Create account',
    other: 'Have an account?',
    otherLink: 'Log in',
    to: '/login',
  },
} as const;

function firstIssuePerField(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path[0];
    if (FIELD_NAMES.includes(field ?? '') && !errors[field as FieldName])
      errors[field as FieldName] = issue.message;
  }
  return errors;
}

/** Login and registration: the shared Zod schemas check fields before anything is sent. */
export function AuthPage({ mode, client }: { mode: Mode; client: PigeonClient }) {
  const copy = COPY[mode];
  // An invite link (/register?invite=…) from the server's admin, for invite-only servers.
  const inviteCode = useSearchParams()[0].get('invite') ?? undefined;
  const [fields, setFields] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The password was right and the account has two-factor on: the second step finishes the login.
  const [challenge, setChallenge] = useState<string | null>(null);
  // Sign-up shows how strong the password is, weighed against the name and email typed with it.
  const [draft, setDraft] = useState({ password: '', userInputs: [] as string[] });
  const trackDraft = (form: HTMLFormElement) =>
    setDraft({
      password: formText(form, 'password'),
      userInputs: [formText(form, 'username'), formText(form, 'email'), 'pigeon'],
    });
  // The boxes keep 16 px whatever surrounds them: below that, phones zoom in on focus.
  const field = (name: FieldName) => ({ id: name, name, className: 'text-base', error: fields[name] });

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const text = (name: string) => formText(form, name);
    const values = { username: text('username'), password: text('password'), cookie: true };
    // The session link stores the tokens; the store then routes to the chats.
    const parsedRegister =
      mode === 'register' ? registerInput.safeParse({ ...values, email: text('email'), inviteCode }) : null;
    const parsedLogin = mode === 'login' ? loginInput.safeParse(values) : null;
    const invalid = parsedRegister?.error ?? parsedLogin?.error;
    if (invalid) {
      setFields(firstIssuePerField(invalid.issues));
      setFormError(null);
      return;
    }
    setFields({});
    setFormError(null);
    setBusy(true);
    try {
      if (parsedRegister?.data) await client.auth.register.mutate(parsedRegister.data);
      else if (parsedLogin?.data) await client.auth.login.mutate(parsedLogin.data);
    } catch (err) {
      const secondStep = secondFactorChallengeOf(err);
      if (secondStep) {
        setChallenge(secondStep.challenge);
      } else if (err instanceof TRPCClientError) {
        const zod = (err.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined)
          ?.zodError;
        if (zod?.fieldErrors)
          setFields({
            username: zod.fieldErrors.username?.[0],
            email: zod.fieldErrors.email?.[0],
            password: zod.fieldErrors.password?.[0],
          });
        setFormError(err.message);
      } else {
        setFormError('Could not reach the server. Check your connection and try again.');
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex min-h-full items-center justify-center p-4">
      <main className="w-full max-w-sm">
        <p className="mb-6 text-center text-3xl font-bold text-indigo-600 dark:text-indigo-400">Pigeon</p>
        <h1 className="mb-4 text-xl font-semibold">{copy.title}</h1>
        {mode === 'register' && inviteCode && (
          <p className="mb-4 text-sm text-slate-600 dark:text-slate-300">You were invited to this server.</p>
        )}
        <InsecureConnectionWarning />
        {challenge ? (
          <SecondFactorStep client={client} challenge={challenge} onRestart={() => setChallenge(null)} />
        ) : (
          <form
            noValidate
            onSubmit={(e) => void submit(e)}
            onChange={mode === 'register' ? (e) => trackDraft(e.currentTarget) : undefined}
            className="space-y-4"
            aria-describedby={formError ? 'form-error' : undefined}
          >
            <Field {...field('username')} label="Username" autoComplete="username" autoFocus />
            {mode === 'register' && (
              <Field {...field('email')} label="Email" type="email" autoComplete="email" />
            )}
            <Field
              {...field('password')}
              label="Password"
              type="password"
              autoComplete={mode === 'register' ? 'new-password' : 'current-password'}
            />
            {mode === 'register' && <PasswordMeter password={draft.password} userInputs={draft.userInputs} />}
            {mode === 'login' && (
              <p className="text-right text-sm">
                <Link to="/forgot" className="font-medium text-indigo-700 underline dark:text-indigo-300">
                  Forgot password?
                </Link>
              </p>
            )}
            {formError && (
              <p
                id="form-error"
                role="alert"
                className="rounded-md bg-rose-50 p-2 text-sm text-rose-800 dark:bg-rose-950 dark:text-rose-200"
              >
                {formError}
              </p>
            )}
            <button
              type="submit"
              disabled={busy}
              className="w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-60"
            >
              {busy ? 'Please wait…' : copy.action}
            </button>
          </form>
        )}
        <p className="mt-4 text-center text-sm text-slate-600 dark:text-slate-300">
          {copy.other}{' '}
          <Link to={copy.to} className="font-medium text-indigo-700 underline dark:text-indigo-300">
            {copy.otherLink}
          </Link>
        </p>
      </main>
    </div>
  );
}
