import type { Database } from '@pigeon/db';
import type { StreamEvent } from '@pigeon/schema';
import type { BusSignal, EventBus } from '../bus';
import { currentEventId, readEventsAfter } from '../core/event-log';
import type { StreamItem } from '../core/types';

const BACKLOG_PAGE = 500;
/** A reader this far behind the bus stops buffering and re-reads the log instead. */
const MAX_BUFFERED_SIGNALS = 1_000;

/**
 * A user's event stream from `lastEventId` on, exactly once and in order.
 *
 * It subscribes to the bus *before* reading the log (the reverse order can lose an event that
 * commits in between), replays the log, then yields live events. An event id that skips ahead
 * means the bus delivered out of order or lost something: the log fills the gap. Once caught up
 * it yields `stream.live` carrying the last id, so a new client learns where it stands.
 */
export async function* userEventStream(opts: {
  db: Database;
  bus: EventBus;
  userId: string;
  lastEventId: number | null;
  signal: AbortSignal | undefined;
}): AsyncGenerator<StreamItem> {
  const { db, bus, userId, signal } = opts;
  const inbox = new SignalInbox(MAX_BUFFERED_SIGNALS);
  const unsubscribe = await bus.subscribe(userId, (s) => inbox.push(s));
  const onAbort = () => inbox.close();
  signal?.addEventListener('abort', onAbort);
  try {
    let last = opts.lastEventId ?? (await currentEventId(db, userId));
    async function* catchUp(): AsyncGenerator<StreamEvent> {
      for (;;) {
        const page = await readEventsAfter(db, userId, last, BACKLOG_PAGE);
        for (const event of page) {
          last = event.id;
          yield event;
        }
        if (page.length < BACKLOG_PAGE) return;
      }
    }
    yield* catchUp();
    yield { v: 1, type: 'stream.live', id: last };

    for (;;) {
      const next = await inbox.next();
      if (next === 'closed') return;
      if (next.kind === 'ephemeral') {
        yield { ...next.event, id: last };
        continue;
      }
      if (next.kind === 'event' && next.event.id <= last) continue;
      if (next.kind === 'event' && next.event.id === last + 1) {
        last = next.event.id;
        yield next.event;
        continue;
      }
      yield* catchUp();
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}

/** A buffer between the bus callback and the generator; on overflow it asks for a resync. */
class SignalInbox {
  private buffer: BusSignal[] = [];
  private waiting: ((value: BusSignal | 'closed') => void) | null = null;
  private closed = false;

  constructor(private readonly max: number) {}

  push(signal: BusSignal) {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve(signal);
      return;
    }
    this.buffer.push(signal);
    if (this.buffer.length > this.max) this.buffer = [{ kind: 'resync' }];
  }

  next(): Promise<BusSignal | 'closed'> {
    const head = this.buffer.shift();
    if (head) return Promise.resolve(head);
    if (this.closed) return Promise.resolve('closed');
    return new Promise((resolve) => (this.waiting = resolve));
  }

  close() {
    this.closed = true;
    this.waiting?.('closed');
    this.waiting = null;
  }
}
