import type { PresenceStatus } from '@pigeon/schema';

/** What one tab or device says of itself; `offline` ends that connection. */
export type ConnectionState = PresenceStatus;

/**
 * An away connection lives this many times longer: browsers throttle a hidden tab's timers to
 * about once a minute, and such a tab is still there, only away.
 */
export const AWAY_TTL_FACTOR = 4;

/** How long a connection in this state lives without another heartbeat. */
export const lifetimeOf = (state: string, ttlMs: number) =>
  state === 'away' ? ttlMs * AWAY_TTL_FACTOR : ttlMs;

/** A user's aggregated status after a change to their connections. */
export interface PresenceChange {
  userId: string;
  status: PresenceStatus;
  /** Epoch ms of the moment the user was last there; only when `status` is offline. */
  lastSeenAt: number | null;
  /** The aggregated status differs from the one last reported: friends must hear of it. */
  changed: boolean;
}

export interface PresenceReading {
  status: PresenceStatus;
  lastSeenAt: number | null;
}

/**
 * Who is connected, per user: a set of connections (tabs, devices), each online or away and
 * each expiring unless renewed by a heartbeat. Kept outside the instance's memory in cluster
 * mode, so an instance that dies leaves nothing stuck: its connections simply expire.
 */
export interface PresenceStore {
  /** How long an online connection lives without a heartbeat (away ones: `lifetimeOf`). */
  readonly ttlMs: number;
  /** Records one connection's state (`offline` removes it) and aggregates the user's status. */
  beat(userId: string, connectionId: string, state: ConnectionState, now?: number): Promise<PresenceChange>;
  /** The current status of each user (offline when unknown), expired connections not counted. */
  read(userIds: readonly string[], now?: number): Promise<Map<string, PresenceReading>>;
  /**
   * Finds users whose connections have all expired and marks them offline. Across instances
   * each such change is returned to exactly one caller, so it is announced once.
   */
  sweep(now?: number): Promise<PresenceChange[]>;
  /** Users with at least one unexpired connection, on any instance (the admin's stats). */
  countConnected(now?: number): Promise<number>;
  close(): Promise<void>;
}

/** Online if any connection is online, away if all are away, offline if there are none. */
export function aggregate(states: Iterable<string>): PresenceStatus {
  let status: PresenceStatus = 'offline';
  for (const state of states) {
    if (state === 'online') return 'online';
    if (state === 'away') status = 'away';
  }
  return status;
}

interface Connection {
  state: 'online' | 'away';
  expiresAt: number;
}

/** The presence of a single process (embedded mode). */
export class InProcessPresenceStore implements PresenceStore {
  private readonly connections = new Map<string, Map<string, Connection>>();
  /** The status friends were last told, per user with connections. */
  private readonly reported = new Map<string, PresenceStatus>();
  private readonly lastSeen = new Map<string, number>();

  constructor(readonly ttlMs: number) {}

  beat(userId: string, connectionId: string, state: ConnectionState, now = Date.now()) {
    return Promise.resolve(this.reconcile(userId, now, { connectionId, state }));
  }

  read(userIds: readonly string[], now = Date.now()) {
    const out = new Map<string, PresenceReading>();
    for (const userId of userIds) {
      const live = [...(this.connections.get(userId)?.values() ?? [])].filter((c) => c.expiresAt > now);
      const status = aggregate(live.map((c) => c.state));
      out.set(userId, { status, lastSeenAt: status === 'offline' ? this.seenAt(userId, now) : null });
    }
    return Promise.resolve(out);
  }

  countConnected(now = Date.now()) {
    let connected = 0;
    for (const mine of this.connections.values()) {
      if ([...mine.values()].some((c) => c.expiresAt > now)) connected++;
    }
    return Promise.resolve(connected);
  }

  /** Last seen, counting connections that expired but were not swept yet. */
  private seenAt(userId: string, now: number): number | null {
    let seen = this.lastSeen.get(userId) ?? null;
    for (const c of this.connections.get(userId)?.values() ?? []) {
      if (c.expiresAt <= now) seen = Math.max(seen ?? 0, c.expiresAt - lifetimeOf(c.state, this.ttlMs));
    }
    return seen;
  }

  sweep(now = Date.now()) {
    const changes: PresenceChange[] = [];
    for (const userId of [...this.connections.keys()]) {
      const change = this.reconcile(userId, now, null);
      if (change.changed) changes.push(change);
    }
    return Promise.resolve(changes);
  }

  private reconcile(
    userId: string,
    now: number,
    beat: { connectionId: string; state: ConnectionState } | null,
  ): PresenceChange {
    const mine = this.connections.get(userId) ?? new Map<string, Connection>();
    let seen = 0;
    for (const [id, c] of mine) {
      if (c.expiresAt > now) continue;
      mine.delete(id);
      seen = Math.max(seen, c.expiresAt - lifetimeOf(c.state, this.ttlMs));
    }
    if (beat?.state === 'offline') {
      if (mine.delete(beat.connectionId)) seen = now;
    } else if (beat) {
      mine.set(beat.connectionId, { state: beat.state, expiresAt: now + lifetimeOf(beat.state, this.ttlMs) });
    }
    const status = aggregate([...mine.values()].map((c) => c.state));
    const previous = this.reported.get(userId) ?? 'offline';
    if (mine.size > 0) {
      this.connections.set(userId, mine);
      this.reported.set(userId, status);
    } else {
      this.connections.delete(userId);
      this.reported.delete(userId);
    }
    if (status === 'offline' && previous !== 'offline') this.lastSeen.set(userId, seen || now);
    return {
      userId,
      status,
      lastSeenAt: status === 'offline' ? (this.lastSeen.get(userId) ?? null) : null,
      changed: status !== previous,
    };
  }

  close() {
    this.connections.clear();
    this.reported.clear();
    return Promise.resolve();
  }
}
