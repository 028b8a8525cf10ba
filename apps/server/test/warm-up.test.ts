import { Redis } from 'ioredis';
import pino from 'pino';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { backends, befriend, collectEvents, newClientId, startTestServer } from './harness';

/*
 * Before it says ready, the server runs sends and event deliveries on a private endpoint of its
 * own (src/warm-up), so V8 has compiled those paths before the first person's message. It must
 * leave nothing behind: no rows, no bus subscriptions, and people's own streams start at 1.
 */
describe.each(backends)('warm-up before ready (%s)', (backend) => {
  it('runs its sends and deliveries, stores nothing, and real users work as before', async () => {
    const logLines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
    const t = await startTestServer(backend, { warmUpSends: 300 }, log);
    try {
      const report = logLines
        .map((line) => JSON.parse(line) as { msg: string })
        .find((line) => line.msg === 'warmed up');
      // 30 synthetic viewers, 10 sends each, each run to the end of the send path and answered
      // NOT_FOUND (no such conversation: authenticated, validated, batched, refused by the
      // database); two events delivered per send.
      expect(report).toMatchObject({ sends: 300, answers: { NOT_FOUND: 300 }, eventsDelivered: 600 });
      // The instance's own counters describe people's traffic only.
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(metrics).toMatch(/^pigeon_send_batch_size_count 0$/m);
      expect(metrics).toMatch(/^pigeon_event_delivery_lag_seconds_count 0$/m);
      expect(metrics).not.toMatch(/^pigeon_events_delivered_total\{/m);
      expect(metrics).not.toMatch(/^pigeon_procedure_errors_total\{code="NOT_FOUND"\}/m);

      if (backend === 'cluster') {
        const sql = postgres(t.config.database.url ?? '', { max: 1, onnotice: () => undefined });
        const redis = new Redis(process.env.REDIS_URL ?? '');
        try {
          const [rows] = await sql<{ users: number; sessions: number; messages: number; heads: number }[]>`
            select (select count(*)::int from users) as users,
                   (select count(*)::int from sessions) as sessions,
                   (select count(*)::int from messages) as messages,
                   (select count(*)::int from event_streams) as heads`;
          expect(rows).toEqual({ users: 0, sessions: 0, messages: 0, heads: 0 });
          // The synthetic viewers' bus channels were given up with their streams.
          const channels = await redis.pubsub('CHANNELS', `${t.config.redis?.prefix ?? ''}user:*`);
          expect(channels).toEqual([]);
        } finally {
          await sql.end();
          redis.disconnect();
        }
      }

      const a = await t.user('warm-a');
      const b = await t.user('warm-b');
      const conversationId = await befriend(a, b);
      const events = collectEvents(b.client);
      try {
        await events.live();
        const sent = await a.client.messages.send.mutate({
          conversationId,
          body: 'first',
          clientId: newClientId(),
        });
        await events.until(() => events.messages().length > 0);
        const created = events.items.find((i) => i.type === 'message.created');
        expect(created).toMatchObject({ message: { id: sent.id, body: 'first' } });
        // b's stream counts its own events from 1 (request sent, friend added, this message): the
        // warm-up's events went to its synthetic users only.
        expect(created?.id).toBe(3);
      } finally {
        events.unsubscribe();
      }
    } finally {
      await t.close();
    }
  });
});
