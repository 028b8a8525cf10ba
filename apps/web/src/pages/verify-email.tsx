import { useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { Notice, primaryButton, PublicCard } from '../components/recovery/public-card';
import { useTRPC } from '../lib/trpc';

/**
 * Where a verification link opens (/verify?token=…). It waits for a click rather than acting on
 * load, so a mail scanner that fetches links does not spend it.
 */
export default function VerifyEmailPage() {
  const trpc = useTRPC();
  const token = useSearchParams()[0].get('token') ?? '';
  const verify = useMutation(trpc.auth.verifyEmail.mutationOptions());

  return (
    <PublicCard title="Confirm your email address">
      {verify.data ? (
        <Notice ok>{verify.data.email} is confirmed. Thank you!</Notice>
      ) : (
        <div className="space-y-4">
          {!token && <Notice ok={false}>This link is incomplete. Open the whole link from the email.</Notice>}
          {verify.error && (
            <Notice ok={false}>{verify.error.message} Your profile page can send a new link.</Notice>
          )}
          <button
            type="button"
            disabled={!token || verify.isPending}
            onClick={() => verify.mutate({ token })}
            className={primaryButton}
          >
            {verify.isPending ? 'Please wait…' : 'Confirm my email address'}
          </button>
        </div>
      )}
      <p className="mt-4 text-center text-sm">
        <Link to="/" className="font-medium text-indigo-700 underline dark:text-indigo-300">
          Open Pigeon
        </Link>
      </p>
    </PublicCard>
  );
}
