import type { Me } from '@pigeon/schema';
import { useQuery } from '@tanstack/react-query';
import { useAppSelector } from '../store';
import { useTRPC } from './trpc';

/** Whose session this tab holds (from the session in Redux; it never changes while it lasts). */
export function useMyId(): string | undefined {
  return useAppSelector((s) => s.session.userId) ?? undefined;
}

/**
 * The logged-in account (name, email, since when) is server data, so it lives in the query cache
 * under `auth.me`, and only there. Every login and token refresh answers with it
 * (`followSession` writes it in), a profile update answers with the new one, and the event
 * stream's `user.updated` fetches it again: nothing needs to refetch it on a timer.
 */
export function useMe(): Me | undefined {
  const trpc = useTRPC();
  const signedIn = useAppSelector((s) => s.session.status === 'authenticated');
  return useQuery({ ...trpc.auth.me.queryOptions(), staleTime: Infinity, enabled: signedIn }).data;
}
