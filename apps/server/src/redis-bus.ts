import type { BusListener, BusSignal, EventBus, Logger } from '@pigeon/api';
import type { EphemeralEvent, StreamEvent } from '@pigeon/schema';
import { Redis } from 'ioredis';
import { LogPoller, type StreamReader } from './log-poller';

/** While Redis is down, how often each instance reads its connected users' streams. */
const DEGRADED_POLL_MS = 250;

/** A message's event JSON without its per-recipient id, kept while the message object lives. */
const sharedBodies = new WeakMap<object, string>();

/**
 * An event as the bus carries it, its `id` always the last key (see `trailingEventId`). Every
 * member's `message.created` shares one message object (send-batch.ts) and differs only in `id`:
 * the rest is serialised once, not once per member.
 */
function eventJson(event: StreamEvent): string {
  let body = event.type === 'message.created' ? sharedBodies.get(event.message) : undefined;
  if (body === undefined) {
    const { id: _id, ...rest } = event;
    body = JSON.stringify(rest).slice(0, -1); // without the closing brace
    if (event.type === 'message.created') sharedBodies.set(event.message, body);
  }
  return `${body},"id":${event.id}}`;
}

const ID_KEY = ',"id":';

/**
 * The id of a stored event's payload whose last key is `id` (as `eventJson` writes them), read
 * without parsing it; null for anything else (an ephemeral envelope, another layout), which is
 * then parsed as usual. A digit before the closing brace can only end a top-level value: a
 * nested object would end in `}}`, a string in `"}`.
 */
export function trailingEventId(payload: string): number | null {
  const end = payload.length - 1;
  if (end < ID_KEY.length || payload.charCodeAt(end) !== 125 /* } */) return null;
  let start = end;
  while (start > 0) {
    const c = payload.charCodeAt(start - 1);
    if (c < 48 || c > 57) break;
    start--;
  }
  if (start === end || end - start > 15) return null;
  if (!payload.startsWith(ID_KEY, start - ID_KEY.length)) return null;
  return Number(payload.slice(start, end));
}

/** A one-shot promise to wait on (Node 20 has no Promise.withResolvers). */
class Signal {
  fire: () => void = () => undefined;
  readonly fired = new Promise<void>((resolve) => (this.fire = resolve));
}

interface Channel {
  userId: string;
  listeners: Set<BusListener>;
  ready: Promise<unknown>;
  /**
   * The highest event id this instance handed to the channel's listeners itself (in `publish`).
   * Its echo from Redis, and any older event, is news to none of them: every listener there then
   * had it, and one added since read the log after subscribing, where it was already committed.
   */
  deliveredHere: number;
}

/**
 * Redis pub/sub bus for many instances. One subscriber connection per process (a subscribing
 * connection cannot publish), fanned out locally to every stream of that user on this instance.
 *
 * When the subscriber connection drops, the instance does not wait for Redis: a `LogPoller`
 * reads the event log for every connected user (degraded delivery, one query per tick) until the
 * subscriptions are live again; then every stream resyncs from the log once and the bus takes
 * over. Ids dedupe the overlap.
 */
export class RedisEventBus implements EventBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channels = new Map<string, Channel>();
  private wasDisconnected = false;
  private readonly poller: LogPoller;
  /** Resolved when degraded delivery starts: a subscription need not wait for Redis then. */
  private degraded = new Signal();
  private closing = false;
  private readonly revocationListeners = new Set<(sessionIds: readonly string[]) => void>();

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly log: Logger,
    readStreams: StreamReader,
  ) {
    this.poller = new LogPoller({
      read: readStreams,
      users: () => [...this.channels.values()].map((c) => c.userId),
      deliver: (userId, signal) => {
        for (const listener of this.channels.get(this.channel(userId))?.listeners ?? []) listener(signal);
      },
      intervalMs: DEGRADED_POLL_MS,
      log,
    });
    // Publishing must never hold a request hostage during an outage: fail fast instead of
    // queueing, since the event log already has the event. Auto-pipelining sends the publishes
    // of one tick (a batch's deliveries) in one write instead of one each.
    this.publisher = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
    });
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null });
    for (const [name, conn] of [
      ['publisher', this.publisher],
      ['subscriber', this.subscriber],
    ] as const) {
      conn.on('error', (err) => log.warn({ err, connection: name }, 'redis error'));
    }
    this.subscriber.on('message', (channel: string, payload: string) => {
      if (channel === this.revocationChannel) this.revoked(payload);
      else this.deliver(channel, payload);
    });
    // One channel for every instance: ended sessions must lose their sockets wherever they are.
    this.subscriber
      .subscribe(this.revocationChannel)
      .catch((err: unknown) => log.warn({ err }, 'redis subscribe to session revocations failed'));
    this.subscriber.on('close', () => {
      if (this.wasDisconnected) return;
      this.wasDisconnected = true;
      if (this.closing) return;
      log.warn({}, 'redis subscriber lost; delivering from the event log until it is back');
      this.poller.start();
      this.degraded.fire();
    });
    this.subscriber.on('ready', () => {
      if (!this.wasDisconnected) return;
      this.wasDisconnected = false;
      this.degraded = new Signal();
      void this.backOnTheBus();
    });
  }

  /**
   * ioredis resubscribes by itself, but 'ready' comes before its SUBSCRIBE is answered. Subscribe
   * again and wait for the answer: only then is every later publish sure to arrive, and the
   * poller may stop. One resync per stream then reads what was published meanwhile.
   */
  private async backOnTheBus(): Promise<void> {
    const names = [...this.channels.keys()];
    try {
      if (names.length > 0) await this.subscriber.subscribe(...names);
    } catch (err) {
      // Dropped again before the answer: 'close' keeps the poller on, the next 'ready' retries.
      this.log.warn({ err }, 'redis resubscribe failed');
      return;
    }
    if (this.wasDisconnected) return;
    this.poller.stop();
    this.log.info({ channels: names.length }, 'redis subscriber back; streams resync from the log');
    for (const { listeners } of this.channels.values()) {
      for (const listener of listeners) listener({ kind: 'resync' });
    }
  }

  private get revocationChannel() {
    return `${this.prefix}control:sessions-revoked`;
  }

  private revoked(payload: string) {
    let sessionIds: unknown;
    try {
      sessionIds = JSON.parse(payload);
    } catch {
      sessionIds = null;
    }
    if (!Array.isArray(sessionIds) || !sessionIds.every((id) => typeof id === 'string')) {
      this.log.warn({ payload: payload.slice(0, 200) }, 'dropping unreadable revocation');
      return;
    }
    for (const listener of this.revocationListeners) listener(sessionIds);
  }

  async announceRevokedSessions(sessionIds: readonly string[]): Promise<void> {
    await this.publisher.publish(this.revocationChannel, JSON.stringify(sessionIds));
  }

  onRevokedSessions(listener: (sessionIds: readonly string[]) => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  private channel(userId: string) {
    return `${this.prefix}user:${userId}`;
  }

  private deliver(channel: string, payload: string) {
    const entry = this.channels.get(channel);
    if (!entry) return;
    // Dropped before parsing: at one instance, every event comes back once as its own echo.
    const id = trailingEventId(payload);
    if (id !== null && id <= entry.deliveredHere) return;
    let signal: BusSignal;
    try {
      // Stored events travel bare; ephemeral ones in an envelope, so the two cannot be confused.
      const parsed = JSON.parse(payload) as StreamEvent | { ephemeral: EphemeralEvent };
      signal =
        'ephemeral' in parsed
          ? { kind: 'ephemeral', event: parsed.ephemeral }
          : { kind: 'event', event: parsed };
    } catch (err) {
      this.log.warn({ err, channel }, 'dropping unreadable bus message');
      return;
    }
    for (const listener of entry.listeners) listener(signal);
  }

  async publish(userId: string, event: StreamEvent): Promise<void> {
    const channel = this.channel(userId);
    // Streams on this instance hear it at once rather than after the round trip through Redis;
    // the echo that follows carries the same id, and `deliver` drops it unread.
    const local = this.channels.get(channel);
    if (local) {
      if (event.id > local.deliveredHere) local.deliveredHere = event.id;
      for (const listener of local.listeners) listener({ kind: 'event', event });
    }
    await this.publisher.publish(channel, eventJson(event));
  }

  async publishEphemeral(userId: string, event: EphemeralEvent): Promise<void> {
    await this.publisher.publish(this.channel(userId), JSON.stringify({ ephemeral: event }));
  }

  async subscribe(userId: string, listener: BusListener): Promise<() => void> {
    const channel = this.channel(userId);
    let entry = this.channels.get(channel);
    if (!entry) {
      const ready = this.subscriber.subscribe(channel);
      // Awaited below unless the bus is down; then the poller serves the stream meanwhile.
      ready.catch(() => undefined);
      entry = { userId, listeners: new Set(), ready, deliveredHere: 0 };
      this.channels.set(channel, entry);
    }
    entry.listeners.add(listener);
    const current = entry;
    try {
      await Promise.race([current.ready, this.degraded.fired]);
    } catch (err) {
      this.remove(channel, current, listener);
      throw err;
    }
    return () => this.remove(channel, current, listener);
  }

  private remove(channel: string, entry: { listeners: Set<BusListener> }, listener: BusListener) {
    entry.listeners.delete(listener);
    if (entry.listeners.size > 0 || this.channels.get(channel) !== entry) return;
    this.channels.delete(channel);
    // Commands on one connection run in order, so a later SUBSCRIBE of the same channel wins.
    this.subscriber
      .unsubscribe(channel)
      .catch((err: unknown) => this.log.warn({ err }, 'redis unsubscribe failed'));
  }

  async ping(): Promise<void> {
    await Promise.all([
      this.publisher.ping(),
      this.subscriber.status === 'ready'
        ? undefined
        : Promise.reject(new Error(`redis subscriber ${this.subscriber.status}`)),
    ]);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.poller.stop();
    this.channels.clear();
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }
}
