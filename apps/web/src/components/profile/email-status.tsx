import type { Me } from '@pigeon/schema';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';
import { Button } from '../button';

/** Whether the address is confirmed; if not (and the server sends email), a way to get a new link. */
export function EmailStatus({ me }: { me: Me }) {
  const trpc = useTRPC();
  const recovery = useQuery(trpc.auth.recovery.queryOptions());
  const send = useMutation(trpc.auth.sendVerification.mutationOptions());
  if (!me.email) return null;
  if (me.emailVerified) {
    return <p className="text-sm text-emerald-700 dark:text-emerald-400">Email verified.</p>;
  }
  return (
    <div className="space-y-1 text-sm">
      <p className="text-amber-800 dark:text-amber-300">
        Email not verified yet
        {recovery.data?.emailDelivery ? ': open the link we emailed you.' : '.'}
      </p>
      {recovery.data?.emailDelivery && (
        <Button type="button" onClick={() => send.mutate()} disabled={send.isPending}>
          Send the link again
        </Button>
      )}
      {send.data && (
        <p role="status" className="text-emerald-700 dark:text-emerald-400">
          A new link is on its way to {send.data.sentTo}.
        </p>
      )}
      {send.error && (
        <p role="alert" className="text-rose-700 dark:text-rose-400">
          {send.error.message}
        </p>
      )}
    </div>
  );
}
