import type { AppRouter } from '@pigeon/client';
import type { EphemeralEvent, UserPresence } from '@pigeon/schema';
import { skipToken, useQuery, type QueryClient } from '@tanstack/react-query';
import type { TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { useTRPC } from './trpc';

/*
 * What others are doing right now, as the event stream tells it: who is typing, and who is online.
 * Both live in the query cache, next to the server data they belong with. Presence has a
 * snapshot to fetch (`presence.list`, fetched again on every reconnect, since signals are never
 * replayed) that each signal then updates. Typing has no snapshot: its entries are written by the
 * stream only, and run out by themselves. Logging out clears them with the rest of the cache.
 */

type TypingSignal = Extract<EphemeralEvent, { type: 'typing' }>;
type PresenceSignal = Extract<EphemeralEvent, { type: 'presence' }>;

/** Who is typing in one conversation: user id → when their signal runs out (epoch ms). */
export type Typists = Readonly<Record<string, number>>;

/** Not a procedure (typing is never fetched), so outside tRPC's keys. */
export const typingKey = (conversationId: string) => ['typing', conversationId] as const;

/** A typing signal: a renewal, or, when it has already run out, a stop (they cleared the text). */
export function applyTyping(queryClient: QueryClient, signal: TypingSignal, now = Date.now()): void {
  const { conversationId, userId, expiresAt } = signal;
  const until = Date.parse(expiresAt);
  if (until <= now) {
    endTyping(queryClient, conversationId, userId);
    return;
  }
  queryClient.setQueryData<Typists>(typingKey(conversationId), (typists) => ({
    ...typists,
    [userId]: until,
  }));
}

/** Their message arrived, or they cleared their text: they are not typing (any more). */
export function endTyping(queryClient: QueryClient, conversationId: string, userId: string): void {
  queryClient.setQueryData<Typists>(typingKey(conversationId), (typists) => {
    if (typists?.[userId] === undefined) return typists;
    const { [userId]: _stopped, ...others } = typists;
    return others;
  });
}

/** The users whose typing signal has not yet run out at `now`. */
export function typistsAt(typists: Typists | undefined, now: number): string[] {
  return Object.entries(typists ?? {})
    .filter(([, until]) => until > now)
    .map(([userId]) => userId);
}

/** Who is typing in this conversation, kept live by the event stream. */
export function useTypists(conversationId: string): Typists | undefined {
  return useQuery<Typists>({ queryKey: typingKey(conversationId), queryFn: skipToken }).data;
}

/** A friend's new status, written into the cached presence list. */
export function applyPresence(
  { queryClient, trpc }: { queryClient: QueryClient; trpc: TRPCOptionsProxy<AppRouter> },
  signal: PresenceSignal,
): void {
  const { userId, status, lastSeenAt } = signal;
  queryClient.setQueryData<UserPresence[]>(trpc.presence.list.queryKey(), (list) =>
    list
      ? [...list.filter((p) => p.userId !== userId), { userId, status, lastSeenAt }]
      : // Not loaded yet: the fetch under way will bring it.
        list,
  );
}

/** A friend's presence from the one cached list (offline until it says otherwise). */
export function usePresenceOf(userId: string): UserPresence {
  const trpc = useTRPC();
  const { data } = useQuery({
    ...trpc.presence.list.queryOptions(),
    select: (list) => list.find((p) => p.userId === userId),
  });
  return data ?? { userId, status: 'offline', lastSeenAt: null };
}
