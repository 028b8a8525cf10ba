import type { StreamEvent } from '@pigeon/schema';

/**
 * What a subscriber hears: a new event of its user's stream, or `resync` when the bus may have
 * missed some (e.g. after a Redis reconnect) and the database must be read again.
 */
export type BusSignal = { kind: 'event'; event: StreamEvent } | { kind: 'resync' };
export type BusListener = (signal: BusSignal) => void;

/**
 * Carries events from the instance that committed them to every instance holding a socket for
 * the user. It is a doorbell, not storage: the event log in PostgreSQL stays the truth.
 */
export interface EventBus {
  publish(userId: string, event: StreamEvent): Promise<void>;
  /** Resolves once the subscription is live, so a backlog read after it cannot miss an event. */
  subscribe(userId: string, listener: BusListener): Promise<() => void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The bus of a single process (embedded mode): local fan-out only. */
export class InProcessEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<BusListener>>();

  publish(userId: string, event: StreamEvent): Promise<void> {
    for (const listener of this.listeners.get(userId) ?? []) listener({ kind: 'event', event });
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
