import { friendships, users, type Database } from '@pigeon/db';
import type {
  EphemeralEvent,
  PresenceHeartbeatInput,
  PresenceHeartbeatOutput,
  PresenceStatus,
  UserPresence,
} from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq, sql } from 'drizzle-orm';
import type { EventBus } from '../bus';
import type { Logger } from '../core/types';
import type { PresenceChange, PresenceReading, PresenceStore } from '../presence-store';
import { notBlockedWith } from './blocks';

/** What presence needs of the call: the database, the bus, and the store of connections. */
export interface PresenceDeps {
  db: Database;
  bus: EventBus;
  log: Logger;
  presence: PresenceStore;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Whoever may see a user's presence: their friends (a block ends a friendship, and the filter
 * says so again), and only while the user shows it.
 */
async function audience(db: Database, userId: string): Promise<{ shows: boolean; friendIds: string[] }> {
  const [me] = await db.select({ shows: users.showPresence }).from(users).where(eq(users.id, userId));
  const friends = await db
    .select({ id: friendships.friendId })
    .from(friendships)
    .where(and(eq(friendships.userId, userId), notBlockedWith(userId, friendships.friendId)));
  return { shows: me?.shows ?? false, friendIds: friends.map((f) => f.id) };
}

/** Tells a user's friends their new status; bus only, like typing: a lost signal costs little. */
async function announce(
  deps: PresenceDeps,
  userId: string,
  status: PresenceStatus,
  lastSeenAt: number | null,
  opts: { evenIfHidden?: boolean } = {},
) {
  const { shows, friendIds } = await audience(deps.db, userId);
  if (!shows && !opts.evenIfHidden) return;
  const event: EphemeralEvent = {
    v: 1,
    type: 'presence',
    userId,
    status,
    lastSeenAt: shows ? iso(lastSeenAt) : null,
  };
  const results = await Promise.allSettled(friendIds.map((id) => deps.bus.publishEphemeral(id, event)));
  for (const result of results) {
    if (result.status === 'rejected')
      deps.log.warn({ err: result.reason as unknown }, 'presence publish failed');
  }
}

/** The store is down (Redis unreachable): a retryable answer, not a bug report. */
async function fromStore<T>(deps: PresenceDeps, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    deps.log.warn({ err }, 'presence store unavailable');
    throw new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Presence is unavailable right now. Try again shortly.',
      cause: err,
    });
  }
}

/**
 * Keeps the last-seen time in PostgreSQL too, so it outlives the store (process memory in
 * embedded mode). Best effort: the store's copy is the one friends are shown first.
 */
async function persistLastSeen(deps: PresenceDeps, userId: string, at: number) {
  await deps.db
    .update(users)
    .set({ lastSeenAt: new Date(at) })
    .where(eq(users.id, userId))
    .catch((err: unknown) => deps.log.warn({ err }, 'saving last seen failed'));
}

async function announceChange(deps: PresenceDeps, change: PresenceChange) {
  if (!change.changed) return;
  if (change.status === 'offline' && change.lastSeenAt !== null)
    await persistLastSeen(deps, change.userId, change.lastSeenAt);
  await announce(deps, change.userId, change.status, change.lastSeenAt);
}

/** Offline with no last-seen time in the store (it was restarted): the saved one. */
const orSaved = (reading: PresenceReading, saved: Date | null): PresenceReading =>
  reading.status === 'offline' && reading.lastSeenAt === null
    ? { status: 'offline', lastSeenAt: saved?.getTime() ?? null }
    : reading;

/** One tab's or device's heartbeat; friends hear only when the user's overall status changes. */
export async function presenceHeartbeat(
  deps: PresenceDeps,
  viewerId: string,
  input: PresenceHeartbeatInput,
): Promise<PresenceHeartbeatOutput> {
  const change = await fromStore(deps, () => deps.presence.beat(viewerId, input.connectionId, input.state));
  await announceChange(deps, change);
  // A third of the expiry: two beats may be lost before the connection counts as gone.
  return { status: change.status, nextHeartbeatMs: Math.max(1_000, Math.floor(deps.presence.ttlMs / 3)) };
}

/** The viewer's friends' presence; someone hiding theirs is offline with no last-seen time. */
export async function listPresence(deps: PresenceDeps, viewerId: string): Promise<UserPresence[]> {
  const friends = await deps.db
    .select({ id: users.id, shows: users.showPresence, lastSeenAt: users.lastSeenAt })
    .from(friendships)
    .innerJoin(users, eq(users.id, friendships.friendId))
    .where(
      and(
        eq(friendships.userId, viewerId),
        sql`${users.deletedAt} is null`,
        notBlockedWith(viewerId, users.id),
      ),
    );
  const shown = friends.filter((f) => f.shows).map((f) => f.id);
  const readings = await fromStore(deps, () => deps.presence.read(shown));
  return friends.map(({ id, shows, lastSeenAt }) => {
    const reading = readings.get(id);
    if (!shows || !reading) return { userId: id, status: 'offline', lastSeenAt: null };
    const { status, lastSeenAt: seen } = orSaved(reading, lastSeenAt);
    return { userId: id, status, lastSeenAt: iso(seen) };
  });
}

/** After the user hid or showed their presence: friends see them go offline, or come back, at once. */
export async function presenceVisibilityChanged(deps: PresenceDeps, userId: string, shows: boolean) {
  if (!shows) return announce(deps, userId, 'offline', null, { evenIfHidden: true });
  // The setting is saved already; with the store down, friends learn at the next heartbeat.
  const reading = await deps.presence
    .read([userId])
    .then((readings) => readings.get(userId))
    .catch((err: unknown) => deps.log.warn({ err }, 'presence store unavailable'));
  if (!reading) return;
  const [saved] = await deps.db
    .select({ lastSeenAt: users.lastSeenAt })
    .from(users)
    .where(eq(users.id, userId));
  const { status, lastSeenAt } = orSaved(reading, saved?.lastSeenAt ?? null);
  await announce(deps, userId, status, lastSeenAt);
}

/**
 * Every instance looks now and then for users whose connections all expired (their tab
 * vanished, or the instance holding them died) and announces them offline; the store hands
 * each such change to one instance only.
 */
export function startPresenceSweeper(deps: PresenceDeps, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      try {
        // The store hands each change out once: one failed announcement must not drop the rest.
        const changes = await deps.presence.sweep();
        const results = await Promise.allSettled(changes.map((change) => announceChange(deps, change)));
        for (const result of results) {
          if (result.status === 'rejected')
            deps.log.warn({ err: result.reason as unknown }, 'presence announcement failed');
        }
      } catch (err) {
        deps.log.warn({ err }, 'presence sweep failed');
      } finally {
        running = false;
      }
    })();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
