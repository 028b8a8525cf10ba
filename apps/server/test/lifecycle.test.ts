import { createDb } from '@pigeon/db';
import { createScratchDatabase } from '@pigeon/db/testing';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';
import { RedisEventBus, trailingEventId } from '../src/redis-bus';
import { backends, befriend, collectEvents, newClientId, startTestServer } from './harness';

const cluster = backends.includes('cluster');

describe.each(backends)('server lifecycle (%s)', (backend) => {
  // The server starts and drains inside this test, which on a busy machine takes most of 30 s.
  it('reports readiness, then drains on shutdown with every sent message delivered', async () => {
    const t = await startTestServer(backend);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', bus: 'ok', files: 'ok' });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/nope`)).status).toBe(404);
    // Request ids: NGINX's is kept, a missing or odd one is replaced.
    const traced = await fetch(`${t.url}/trpc/auth.me`, { headers: { 'x-request-id': 'abcdef0123456789' } });
    expect(traced.headers.get('x-request-id')).toBe('abcdef0123456789');
    const fresh = await fetch(`${t.url}/trpc/auth.me`, { headers: { 'x-request-id': 'bad id!' } });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const a = await t.user('ga');
    const b = await t.user('gb');
    const conversationId = await befriend(a, b);
    const stream = collectEvents(b.client);
    await stream.live();
    const sent = await a.client.messages.send.mutate({
      conversationId,
      body: 'before shutdown',
      clientId: newClientId(),
    });
    await stream.until(() => stream.messages().length === 1);

    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(value('pigeon_messages_sent_total')).toBe(1);
    expect(value('pigeon_websocket_connections')).toBe(1);
    expect(value('pigeon_subscriptions_active')).toBe(1);
    expect(metrics).toMatch(/^pigeon_events_delivered_total\{type="message.created"\} 1$/m);
    expect(metrics).toMatch(/^pigeon_event_delivery_lag_seconds_count 1$/m);
    expect(metrics).toMatch(/^pigeon_send_batch_size_sum 1$/m);
    expect(value('pigeon_dependency_ping_seconds{dependency="database"}')).toBeGreaterThanOrEqual(0);
    await t.close();
    expect(stream.messages()).toEqual([sent]);
    expect(t.server.readiness()).toBe('draining');
  }, 120_000);
});

describe.runIf(cluster)('cluster plumbing', () => {
  it('three instances migrating one empty database at once apply each migration exactly once', async () => {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL ?? '');
    try {
      const handles = [1, 2, 3].map(() => createDb({ databaseUrl: scratch.url, maxConnections: 2 }));
      await Promise.all(handles.map((h) => h.migrate()));
      await Promise.all(handles.map((h) => h.close()));
      const sql = postgres(scratch.url, { max: 1, onnotice: () => undefined });
      const applied = await sql`select hash from drizzle.__drizzle_migrations`;
      const files =
        await sql`select count(*)::int as n from information_schema.tables where table_name = 'messages'`;
      await sql.end();
      expect(new Set(applied.map((r) => r.hash as string)).size).toBe(applied.length);
      expect(applied.length).toBeGreaterThan(0);
      expect(files[0]?.n).toBe(1);
    } finally {
      await scratch.drop();
    }
  });

  it('the Redis bus resubscribes after losing its connection and asks streams to resync', async () => {
    const url = process.env.REDIS_URL ?? '';
    const prefix = `pigeon-test:${newClientId()}:`;
    const bus = new RedisEventBus(url, prefix, createLogger('silent'), noLogReads);
    // Another instance's bus: what it publishes reaches `bus` only through Redis.
    const other = new RedisEventBus(url, prefix, createLogger('silent'), noLogReads);
    // Its publisher fails fast rather than queueing: wait until it is connected.
    await waitForAsync(() =>
      other.ping().then(
        () => true,
        () => false,
      ),
    );
    const heard: string[] = [];
    const off = await bus.subscribe('u1', (s) =>
      heard.push(s.kind === 'event' ? `event:${s.event.id}` : 'resync'),
    );
    await other.publish('u1', event(1));
    await waitFor(() => heard.includes('event:1'));

    const admin = new Redis(url);
    await admin.client('KILL', 'TYPE', 'pubsub');
    await waitFor(() => heard.includes('resync'));
    await other.publish('u1', event(2));
    await waitFor(() => heard.includes('event:2'));
    await bus.ping();
    off();
    await Promise.all([bus.close(), other.close()]);
    await admin.quit();
  });

  it('the Redis bus hands an event to streams on its own instance at once and drops its echo from Redis', async () => {
    const url = process.env.REDIS_URL ?? '';
    const prefix = `pigeon-test:${newClientId()}:`;
    const bus = new RedisEventBus(url, prefix, createLogger('silent'), noLogReads);
    const other = new RedisEventBus(url, prefix, createLogger('silent'), noLogReads);
    const raw = new Redis(url);
    await waitForAsync(() =>
      Promise.all([bus.ping(), other.ping()]).then(
        () => true,
        () => false,
      ),
    );
    const heard: string[] = [];
    const off = await bus.subscribe('u1', (s) => {
      if (s.kind === 'event') heard.push(`event:${s.event.id}`);
      if (s.kind === 'ephemeral') heard.push(`ephemeral:${s.event.type}`);
    });
    const published = bus.publish('u1', event(7));
    // Before any round trip: the local stream has it already.
    expect(heard).toEqual(['event:7']);
    await published;
    // Published after the event on the same connection, so Redis brings it after the echo.
    await bus.publishEphemeral('u1', typing);
    await waitFor(() => heard.includes('ephemeral:typing'));
    expect(heard).toEqual(['event:7', 'ephemeral:typing']);

    // Another instance's events still arrive: a newer one, and one in another layout (the id
    // not last, as an instance of an earlier version may write it during a rolling upgrade).
    await other.publish('u1', event(8));
    const { id, ...rest } = event(9);
    await raw.publish(`${prefix}user:u1`, JSON.stringify({ id, ...rest }));
    await waitFor(() => heard.includes('event:9'));
    expect(heard).toEqual(['event:7', 'ephemeral:typing', 'event:8', 'event:9']);
    off();
    await Promise.all([bus.close(), other.close(), raw.quit()]);
  });

  it("reads a stored event's id from the end of its payload only where it is the last top-level key", () => {
    expect(trailingEventId('{"v":1,"type":"friend.request_declined","requestId":"r","id":12}')).toBe(12);
    // An ephemeral envelope, a nested id, an id inside a string, an id first: parsed as usual.
    expect(trailingEventId('{"ephemeral":{"v":1,"type":"typing","id":3}}')).toBeNull();
    expect(trailingEventId('{"v":1,"message":{"id":5}}')).toBeNull();
    expect(trailingEventId('{"v":1,"body":"a,\\"id\\":5}"}')).toBeNull();
    expect(trailingEventId('{"id":5,"v":1}')).toBeNull();
    expect(trailingEventId('{"id":5}')).toBeNull();
    expect(trailingEventId('{"v":1,"id":}')).toBeNull();
  });
});

/** These tests are about Redis alone: users without streams in any database, so the log has nothing. */
const noLogReads = () => Promise.resolve([]);

const typing = {
  v: 1 as const,
  type: 'typing' as const,
  conversationId: newClientId(),
  userId: newClientId(),
  expiresAt: new Date().toISOString(),
};

const event = (id: number) => ({
  v: 1 as const,
  type: 'friend.request_declined' as const,
  requestId: newClientId(),
  id,
});

async function waitForAsync(check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function waitFor(check: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
