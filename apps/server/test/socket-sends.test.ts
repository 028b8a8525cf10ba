import { afterEach, describe, expect, it, vi } from 'vitest';
import { backends, befriend, collectEvents, newClientId, useTestServer } from './harness';

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(backends)('sends over the open WebSocket (%s)', (backend) => {
  const t = useTestServer(backend);

  it('sends over the socket while the stream is open, and over HTTP when it is not', async () => {
    const a = await t.user('a');
    const b = await t.user('b');
    const conversationId = await befriend(a, b);
    const fetches = vi.spyOn(globalThis, 'fetch');
    const httpSends = () =>
      fetches.mock.calls.filter(([input]) =>
        String(input instanceof Request ? input.url : input).includes('messages.send'),
      ).length;

    const before = await a.client.messages.send.mutate({
      conversationId,
      body: 'no socket yet',
      clientId: newClientId(),
    });
    expect(httpSends()).toBe(1);

    const stream = collectEvents(a.client);
    await stream.live();
    const over = await a.client.messages.send.mutate({
      conversationId,
      body: 'over the socket',
      clientId: newClientId(),
    });
    expect(httpSends()).toBe(1);
    await stream.until(() => stream.messages().some((m) => m.id === over.id));
    expect(over.id).toBeGreaterThan(before.id);

    // Errors the server gives are the same either way, and final (no second try over HTTP).
    const refused = await a.client.messages.send
      .mutate({ conversationId: crypto.randomUUID(), body: 'nowhere', clientId: newClientId() })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ data: { code: 'NOT_FOUND' } });
    expect(httpSends()).toBe(1);

    stream.unsubscribe();
    await a.client.$close();
    await a.client.messages.send.mutate({ conversationId, body: 'socket closed', clientId: newClientId() });
    expect(httpSends()).toBe(2);

    const history = await b.client.messages.history.query({ conversationId, limit: 10 });
    expect(history.messages.map((m) => m.body)).toEqual([
      'socket closed',
      'over the socket',
      'no socket yet',
    ]);
  });

  it('beats presence over the socket while the stream is open: no request every 15 s per tab', async () => {
    const a = await t.user('a');
    const b = await t.user('b');
    await befriend(a, b);
    const fetches = vi.spyOn(globalThis, 'fetch');
    const httpBeats = () =>
      fetches.mock.calls.filter(([input]) =>
        String(input instanceof Request ? input.url : input).includes('presence.heartbeat'),
      ).length;
    const tab = newClientId();

    const stream = collectEvents(a.client);
    await stream.live();
    await a.client.presence.heartbeat.mutate({ connectionId: tab, state: 'online' });
    await a.client.presence.heartbeat.mutate({ connectionId: tab, state: 'away' });
    expect(httpBeats()).toBe(0);
    const seen = await b.client.presence.list.query();
    expect(seen.find((p) => p.userId === a.id)?.status).toBe('away');

    stream.unsubscribe();
    await a.client.$close();
    await a.client.presence.heartbeat.mutate({ connectionId: tab, state: 'offline' });
    expect(httpBeats()).toBe(1);
    expect((await b.client.presence.list.query()).find((p) => p.userId === a.id)?.status).toBe('offline');
  });
});
