import { useMutation, useQueryClient } from '@tanstack/react-query';
import { leavePresence } from './presence';
import { useTRPC } from './trpc';

/**
 * Logging out: friends hear this tab's goodbye first, then the session ends (which sends the
 * app to its start page), and the cache of what this account could see is emptied.
 */
export function useLogOut(): { start: () => void; pending: boolean } {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const logout = useMutation(trpc.auth.logout.mutationOptions({ onSettled: () => queryClient.clear() }));
  return {
    start: () => void leavePresence().then(() => logout.mutate()),
    pending: logout.isPending,
  };
}
