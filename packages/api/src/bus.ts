import type { EphemeralEvent, StreamEvent } from '@pigeon/schema';

/**
 * What a subscriber hears: a new event of its user's stream, an ephemeral signal (typing) that
 * exists only on the bus, or `resync` when the bus may have missed some events (e.g. after a
 * Redis reconnect) and the database must be read again.
 */
export type BusSignal =
  { kind: 'event'; event: StreamEvent } | { kind: 'ephemeral'; event: EphemeralEvent } | { kind: 'resync' };
export type BusListener = (signal: BusSignal) => void;

/**
 * Carries events from the instance that committed them to every instance holding a socket for
 * the user. It is a doorbell, not storage: the event log in PostgreSQL stays the truth.
 */
export interface EventBus {
  publish(userId: string, event: StreamEvent): Promise<void>;
  /** Best effort, to whoever is connected now; lost on an outage, which is fine for these. */
  publishEphemeral(userId: string, event: EphemeralEvent): Promise<void>;
  /** Tells every instance, this one included, that these sessions ended (close their sockets). */
  announceRevokedSessions(sessionIds: readonly string[]): Promise<void>;
  onRevokedSessions(listener: (sessionIds: readonly string[]) => void): () => void;
  /** Resolves once the subscription is live, so a backlog read after it cannot miss an event. */
  subscribe(userId: string, listener: BusListener): Promise<() => void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The bus of a single process (embedded mode): local fan-out only. */
export class InProcessEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<BusListener>>();
  private readonly revocationListeners = new Set<(sessionIds: readonly string[]) => void>();

  announceRevokedSessions(sessionIds: readonly string[]): Promise<void> {
    for (const listener of this.revocationListeners) listener(sessionIds);
    return Promise.resolve();
  }

  onRevokedSessions(listener: (sessionIds: readonly string[]) => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  publish(userId: string, event: StreamEvent): Promise<void> {
    return this.signal(userId, { kind: 'event', event });
  }

  publishEphemeral(userId: string, event: EphemeralEvent): Promise<void> {
    return this.signal(userId, { kind: 'ephemeral', event });
  }

  private signal(userId: string, signal: BusSignal): Promise<void> {
    for (const listener of this.listeners.get(userId) ?? []) listener(signal);
    return Promise.resolve();
  }

  subscribe(userId: string, listener: BusListener): Promise<() => void> {
    let set = this.listeners.get(userId);
    if (!set) this.listeners.set(userId, (set = new Set()));
    set.add(listener);
    return Promise.resolve(() => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    });
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }
}
