import { createDb, eventStreams, users, type DbHandle } from '@pigeon/db';
import { createScratchDatabase } from '@pigeon/db/testing';
import type { StreamEvent } from '@pigeon/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusListener, BusSignal, EventBus } from '../src/bus';
import { appendEvents } from '../src/core/event-log';
import type { StreamItem } from '../src/core/types';
import { userEventStream } from '../src/services/event-stream';

/** A bus the test rings by hand, to play out-of-order, lost and resync deliveries. */
class ManualBus implements EventBus {
  listeners = new Set<BusListener>();
  publish() {
    return Promise.resolve();
  }
  publishEphemeral() {
    return Promise.resolve();
  }
  announceRevokedSessions() {
    return Promise.resolve();
  }
  onRevokedSessions() {
    return () => undefined;
  }
  subscribe(_userId: string, listener: BusListener) {
    this.listeners.add(listener);
    return Promise.resolve(() => this.listeners.delete(listener));
  }
  ring(signal: BusSignal) {
    for (const l of this.listeners) l(signal);
  }
  ping() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

const backends = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

describe.each(backends)('userEventStream (%s)', (backend) => {
  let handle: DbHandle;
  let userId: string;
  let dropScratch: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (backend === 'postgres' && process.env.DATABASE_URL) {
      const scratch = await createScratchDatabase(process.env.DATABASE_URL);
      dropScratch = scratch.drop;
      handle = createDb({ databaseUrl: scratch.url, maxConnections: 10 });
    } else {
      handle = createDb({ dataDir: 'memory://' });
    }
    await handle.migrate();
    const [user] = await handle.db
      .insert(users)
      .values({ username: 'streamer', passwordHash: 'x' })
      .returning();
    if (!user) throw new Error('no user');
    userId = user.id;
    await handle.db.insert(eventStreams).values({ userId });
  });
  afterAll(async () => {
    await handle.close();
    await dropScratch?.();
  });

  async function append(n: number): Promise<StreamEvent[]> {
    const deliveries = await handle.db.transaction((tx) =>
      appendEvents(
        tx,
        Array.from({ length: n }, () => ({
          userId,
          event: { v: 1, type: 'friend.request_declined', requestId: crypto.randomUUID() } as const,
        })),
      ),
    );
    return deliveries.map((d) => d.event);
  }

  /** Pulls items from the stream until `count` events (not markers) have come. */
  async function take(stream: AsyncGenerator<StreamItem>, count: number) {
    const got: StreamItem[] = [];
    while (got.filter((i) => i.type !== 'stream.live').length < count) {
      const next = await stream.next();
      if (next.done) break;
      got.push(next.value);
    }
    return got;
  }

  /** Pulls until the stream says it is live (after any replay). */
  async function untilLive(stream: AsyncGenerator<StreamItem>): Promise<StreamItem | undefined> {
    for (;;) {
      const next = await stream.next();
      if (next.done) return undefined;
      if (next.value.type === 'stream.live') return next.value;
    }
  }

  it('hands out contiguous ids per user, also to concurrent writers', async () => {
    const before = await append(1);
    const batches = await Promise.all(Array.from({ length: 8 }, () => append(3)));
    const ids = batches
      .flat()
      .map((e) => e.id)
      .sort((a, b) => a - b);
    const start = (before[0]?.id ?? 0) + 1;
    expect(ids).toEqual(Array.from({ length: 24 }, (_, i) => start + i));
  });

  it('puts live events in order and fills gaps from the log', async () => {
    const bus = new ManualBus();
    const abort = new AbortController();
    const stream = userEventStream({ db: handle.db, bus, userId, lastEventId: null, signal: abort.signal });
    expect((await untilLive(stream))?.type).toBe('stream.live');

    const [e1, e2, e3, e4] = await append(4);
    if (!e1 || !e2 || !e3 || !e4) throw new Error('append failed');
    // e3 arrives first (out of order), e1 and e2 never arrive (lost), then e3 and e4 again.
    bus.ring({ kind: 'event', event: e3 });
    const got = await take(stream, 3);
    expect(got.map((i) => i.id)).toEqual([e1.id, e2.id, e3.id]);
    bus.ring({ kind: 'event', event: e3 });
    bus.ring({ kind: 'event', event: e4 });
    const rest = await take(stream, 1);
    expect(rest.map((i) => i.id)).toEqual([e4.id]);
    abort.abort();
    expect((await stream.next()).done).toBe(true);
  });

  it('passes ephemeral signals through at the current position, without a log read or a gap fill', async () => {
    const bus = new ManualBus();
    const stream = userEventStream({ db: handle.db, bus, userId, lastEventId: null, signal: undefined });
    const live = await untilLive(stream);
    const typing = {
      v: 1,
      type: 'typing',
      conversationId: crypto.randomUUID(),
      userId: crypto.randomUUID(),
      expiresAt: new Date().toISOString(),
    } as const;
    bus.ring({ kind: 'ephemeral', event: typing });
    expect((await stream.next()).value).toEqual({ ...typing, id: live?.id });
    const [next] = await append(1);
    if (!next) throw new Error('append failed');
    bus.ring({ kind: 'event', event: next });
    expect((await stream.next()).value).toEqual(next);
    await stream.return(undefined);
  });

  it('re-reads the log on a resync signal', async () => {
    const bus = new ManualBus();
    const stream = userEventStream({ db: handle.db, bus, userId, lastEventId: null, signal: undefined });
    await untilLive(stream);
    const missed = await append(2);
    bus.ring({ kind: 'resync' });
    expect((await take(stream, 2)).map((i) => i.id)).toEqual(missed.map((e) => e.id));
    await stream.return(undefined);
    expect(bus.listeners.size).toBe(0);
  });

  it('replays a backlog longer than one page after lastEventId', async () => {
    const bus = new ManualBus();
    const [mark] = await append(1);
    const backlog = await append(1_200);
    const stream = userEventStream({
      db: handle.db,
      bus,
      userId,
      lastEventId: mark?.id ?? 0,
      signal: undefined,
    });
    const got = await take(stream, 1_200);
    expect(got.map((i) => i.id)).toEqual(backlog.map((e) => e.id));
    const marker = await stream.next();
    expect(marker.value).toEqual({ v: 1, type: 'stream.live', id: backlog.at(-1)?.id });
    await stream.return(undefined);
  });

  it('survives a flood that overflows its buffer without losing or doubling', async () => {
    const bus = new ManualBus();
    const stream = userEventStream({ db: handle.db, bus, userId, lastEventId: null, signal: undefined });
    await untilLive(stream);
    const flood = await append(1_500);
    for (const event of flood) bus.ring({ kind: 'event', event });
    const got = await take(stream, 1_500);
    expect(got.map((i) => i.id)).toEqual(flood.map((e) => e.id));
    await stream.return(undefined);
  });
});
