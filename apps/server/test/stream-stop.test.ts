import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { backends, befriend, collectEvents, newClientId, useTestServer } from './harness';

/*
 * A client that stops its event stream (tRPC's `subscription.stop`) while keeping its socket must
 * free the stream on the server at once, though the stream is waiting for an event that may never
 * come: its slot, its bus subscription, its gauge. The socket stays open and a new stream resumes.
 */
describe.each(backends)('stopping an event stream (%s)', (backend) => {
  const t = useTestServer(backend);

  it('frees the stream while the socket stays open, and a new one resumes after it', async () => {
    const a = await t.user('stop-a');
    const b = await t.user('stop-b');
    const conversationId = await befriend(a, b);
    const metric = async (name: string) => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    };
    /** Subscribers of the user's bus channel in Redis (cluster); the in-process bus has none to count. */
    const channelsOf = async (userId: string) => {
      if (backend !== 'cluster') return null;
      const redis = new Redis(t.config.redis?.url ?? '');
      try {
        const [, count] = (await redis.pubsub('NUMSUB', `${t.config.redis?.prefix ?? ''}user:${userId}`)) as [
          string,
          number,
        ];
        return count;
      } finally {
        redis.disconnect();
      }
    };
    const until = async (check: () => Promise<boolean>, what: string) => {
      const deadline = Date.now() + 5_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    const first = collectEvents(b.client);
    await first.live();
    const sent = await a.client.messages.send.mutate({
      conversationId,
      body: 'one',
      clientId: newClientId(),
    });
    await first.until(() => first.messages().length === 1);
    expect(await metric('pigeon_subscriptions_active')).toBe(1);
    if (backend === 'cluster') expect(await channelsOf(b.id)).toBe(1);
    const lastSeen = first.events().at(-1)?.id;

    first.unsubscribe();
    await until(async () => (await metric('pigeon_subscriptions_active')) === 0, 'the stream to end');
    if (backend === 'cluster')
      await until(async () => (await channelsOf(b.id)) === 0, 'the bus channel to be left');
    // b's socket is still open (a's sends went over HTTP, a never opened one): stopping a stream
    // is not leaving.
    expect(await metric('pigeon_websocket_connections')).toBe(1);

    const missed = await a.client.messages.send.mutate({
      conversationId,
      body: 'two',
      clientId: newClientId(),
    });
    const second = collectEvents(b.client, String(lastSeen));
    try {
      await second.until(() => second.messages().length === 1);
      expect(second.messages().map((m) => m.id)).toEqual([missed.id]);
      expect(missed.id).toBeGreaterThan(sent.id);
    } finally {
      second.unsubscribe();
    }
  });
});
