import { z } from 'zod';
import { timestamp, userId } from './common';

/** What friends see of someone: online in some tab, away in all of them, or not there. */
export const presenceStatus = z.enum(['online', 'away', 'offline'], {
  error: 'Status must be online, away or offline.',
});
export type PresenceStatus = z.infer<typeof presenceStatus>;

/**
 * What one tab or device reports: `online` (visible and in use), `away` (hidden or idle), or
 * `offline` when it is closing, so friends need not wait for its heartbeat to expire.
 */
export const presenceHeartbeatInput = z.object({
  /** Made up by the tab (a UUID), kept for its lifetime; only ever paired with the caller's id. */
  connectionId: z.uuid({ error: 'connectionId must be a UUID made up by the tab.' }),
  state: presenceStatus,
});
export type PresenceHeartbeatInput = z.infer<typeof presenceHeartbeatInput>;

export const presenceHeartbeatOutput = z.object({
  /** The caller's status as friends now see it (before hiding is applied). */
  status: presenceStatus,
  /** When to beat again: well within the expiry, so one late beat does not look like leaving. */
  nextHeartbeatMs: z.number().int().positive(),
});
export type PresenceHeartbeatOutput = z.infer<typeof presenceHeartbeatOutput>;

/** A friend's presence; `lastSeenAt` only while offline, and never for someone hiding it. */
export const userPresence = z.object({
  userId,
  status: presenceStatus,
  lastSeenAt: timestamp.nullable(),
});
export type UserPresence = z.infer<typeof userPresence>;
