import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { leavePresence } from './presence';
import { useTRPCClient } from './trpc';

/**
 * Logging out: friends hear this tab's goodbye first, then the session ends (which sends the
 * app to its start page), and the cache of what this account could see is emptied. A plain call
 * rather than a query mutation: the header's button is part of the first download.
 */
export function useLogOut(): { start: () => void; pending: boolean } {
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  const start = () =>
    void leavePresence()
      .then(() => {
        setPending(true);
        return client.auth.logout.mutate();
      })
      .finally(() => {
        queryClient.clear();
        setPending(false);
      })
      // Unreachable server: the session stays, and the button can be pressed again.
      .catch(() => undefined);
  return { start, pending };
}
