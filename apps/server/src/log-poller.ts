import type { BusSignal, Logger, StreamReadout } from '@pigeon/api';

/** Reads many users' streams after the given positions (`null`: only the head) in one query. */
export type StreamReader = (positions: ReadonlyMap<string, number | null>) => Promise<StreamReadout[]>;

export interface LogPollerOptions {
  read: StreamReader;
  /** The users with a stream open on this instance now. */
  users: () => Iterable<string>;
  /** Hands a signal to every stream of that user on this instance. */
  deliver: (userId: string, signal: BusSignal) => void;
  intervalMs: number;
  log: Logger;
}

/**
 * Delivery while the bus is down: the log is the truth, so every tick reads the streams of all
 * users connected to this instance in one query and hands each stream the events after the last
 * one this poller passed on. A user it has not seen yet (or seen before the outage) gets a
 * `resync` once its head is known, so the stream reads from its own position; after that only
 * new events are fetched. The streams drop ids they already yielded, so a bus event and a polled
 * one never reach a client twice. Ticks never overlap: the next starts `intervalMs` after the
 * previous one ended, one query per tick whatever the number of users.
 */
export class LogPoller {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** Bumped on every start, so a tick still in flight from before a stop ends its loop. */
  private generation = 0;
  private readonly positions = new Map<string, number>();

  constructor(private readonly options: LogPollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.generation++;
    this.positions.clear();
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number) {
    const generation = this.generation;
    this.timer = setTimeout(() => void this.tick(generation), delayMs);
  }

  private async tick(generation: number): Promise<void> {
    this.timer = null;
    const asked = new Map<string, number | null>();
    for (const userId of this.options.users()) asked.set(userId, this.positions.get(userId) ?? null);
    for (const userId of this.positions.keys()) if (!asked.has(userId)) this.positions.delete(userId);
    try {
      const readouts = await this.options.read(asked);
      if (!this.running || generation !== this.generation) return;
      for (const { userId, head, events } of readouts)
        this.pass(userId, asked.get(userId) ?? null, head, events);
    } catch (err) {
      // The database may be down too: try again next tick, the streams lose nothing meanwhile.
      this.options.log.warn({ err }, 'reading event streams while the bus is down failed');
    }
    if (this.running && generation === this.generation) this.schedule(this.options.intervalMs);
  }

  private pass(userId: string, asked: number | null, head: number, events: StreamReadout['events']) {
    if (asked === null) {
      this.positions.set(userId, head);
      this.options.deliver(userId, { kind: 'resync' });
      return;
    }
    for (const event of events) {
      this.positions.set(userId, event.id);
      this.options.deliver(userId, { kind: 'event', event });
    }
  }
}
