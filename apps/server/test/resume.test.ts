import { describe, expect, it } from 'vitest';
import { startCuttableProxy } from '@pigeon/test-utils';
import { backends, befriend, collectEvents, newClientId, useTestServer } from './harness';

describe.each(backends)('resuming the event stream (%s)', (backend) => {
  const t = useTestServer(backend);

  it('a client whose connection drops gets all 100 missed messages exactly once, in order', async () => {
    const sender = await t.user('sender');
    const receiver = await t.user('receiver');
    const conversationId = await befriend(sender, receiver);

    // The receiver talks to the server through a link the test can cut.
    const proxy = await startCuttableProxy(t.url);
    const viaProxy = t.client({ url: proxy.url });
    viaProxy.$session.set(receiver.client.$session.get());
    const stream = collectEvents(viaProxy);
    await stream.live();

    const first = await sender.client.messages.send.mutate({
      conversationId,
      body: 'before',
      clientId: newClientId(),
    });
    await stream.until(() => stream.messages().length === 1);

    proxy.cut();
    const sent = [first];
    for (let i = 0; i < 100; i++) {
      sent.push(
        await sender.client.messages.send.mutate({
          conversationId,
          body: `missed ${i}`,
          clientId: newClientId(),
        }),
      );
    }
    expect(stream.messages()).toHaveLength(1);
    proxy.restore();

    await stream.until(() => stream.messages().length >= 101, 20_000, 'the missed messages');
    // A little longer, to catch duplicates arriving late.
    await new Promise((r) => setTimeout(r, 300));
    expect(stream.messages().map((m) => m.id)).toEqual(sent.map((m) => m.id));
    expect(stream.errors).toEqual([]);
    stream.unsubscribe();
    await proxy.close();
  });

  it('resumes from an explicit lastEventId after the client was gone', async () => {
    const a = await t.user('ra');
    const b = await t.user('rb');
    const conversationId = await befriend(a, b);
    const first = collectEvents(b.client);
    await first.live();
    const live = first.items.find((i) => i.type === 'stream.live');
    first.unsubscribe();

    const bodies = Array.from({ length: 10 }, (_, i) => `while away ${i}`);
    for (const body of bodies)
      await a.client.messages.send.mutate({ conversationId, body, clientId: newClientId() });

    const again = collectEvents(b.client, String(live?.id));
    await again.until(() => again.messages().length === bodies.length);
    expect(again.messages().map((m) => m.body)).toEqual(bodies);
    // Replay, then the live marker, then nothing else.
    expect(again.items.at(-1)?.type).toBe('stream.live');
    again.unsubscribe();
  });

  it('a fresh subscription starts at the head and does not replay old events', async () => {
    const a = await t.user('ha');
    const b = await t.user('hb');
    const conversationId = await befriend(a, b);
    await a.client.messages.send.mutate({ conversationId, body: 'old', clientId: newClientId() });
    const stream = collectEvents(b.client);
    await stream.live();
    await a.client.messages.send.mutate({ conversationId, body: 'new', clientId: newClientId() });
    await stream.until(() => stream.messages().length === 1);
    expect(stream.messages().map((m) => m.body)).toEqual(['new']);
    stream.unsubscribe();
  });
});

describe.each(backends)('long-lived connections and short tokens (%s)', (backend) => {
  const t = useTestServer(backend, { accessTokenTtlSeconds: 2 });

  it('closes a socket when its token expires; the client comes back with a fresh token and misses nothing', async () => {
    const a = await t.user('ta');
    const b = await t.user('tb');
    const conversationId = await befriend(a, b);
    const tokenAtStart = b.client.$session.get()?.accessToken;
    const stream = collectEvents(b.client);
    await stream.live();
    const lives = () => stream.items.filter((i) => i.type === 'stream.live').length;
    // Past expiry the server closes the socket; the reconnect shows up as a second live marker.
    await stream.until(() => lives() >= 2, 10_000, 'a reconnect after token expiry');
    expect(b.client.$session.get()?.accessToken).not.toBe(tokenAtStart);
    const sent = await a.client.messages.send.mutate({
      conversationId,
      body: 'still here',
      clientId: newClientId(),
    });
    await stream.until(() => stream.messages().length === 1);
    expect(stream.messages()).toEqual([sent]);
    expect(stream.errors).toEqual([]);
    stream.unsubscribe();
  });
});
