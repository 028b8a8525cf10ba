import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';

/** After any change to a friendship: every friends list fetches again (the mutation waits for it). */
export function useRefreshFriends(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.friends.pathKey() });
}
