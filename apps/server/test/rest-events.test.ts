import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backends, startTestServer, useTestServer } from './harness';
import { restClient } from './rest/rest-client';
import { openEventStream } from './rest/sse-reader';

/** Two REST users who are friends, and their conversation. */
async function friends(url: string) {
  const { call, register } = restClient(url);
  const alice = await register('sse_a');
  const bob = await register('sse_b');
  const asked = await call<{ request: { id: string } }>('POST', '/friends/requests', {
    token: bob.token,
    json: { userId: alice.id },
  });
  await call('POST', `/friends/requests/${asked.body.request.id}/accept`, { token: alice.token });
  const opened = await call<{ id: string }>('POST', '/conversations', {
    token: alice.token,
    json: { userId: bob.id },
  });
  const send = (body: string) =>
    call<{ id: number }>('POST', `/conversations/${opened.body.id}/messages`, {
      token: bob.token,
      json: { body, clientId: randomUUID() },
    });
  return { alice, bob, conversationId: opened.body.id, send, call };
}

describe.each(backends)('SSE event stream (%s)', (backend) => {
  const t = useTestServer(backend);

  it('delivers live events with their ids, then resumes after Last-Event-ID exactly once', async () => {
    const { alice, send } = await friends(t.url);
    const first = await openEventStream(t.url, alice.token);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(first.headers.get('x-accel-buffering')).toBe('no');
    const live = await first.until((f) => f.data?.includes('"stream.live"') ?? false);
    expect(live.id).toMatch(/^\d+$/);

    await send('one');
    const one = await first.until((f) => f.data?.includes('"one"') ?? false);
    expect(one.id).toBe(String((JSON.parse(one.data ?? '') as { id: number }).id));
    await first.close();

    // Away: two more arrive, then the client comes back with the last id it saw.
    await send('two');
    await send('three');
    const second = await openEventStream(t.url, alice.token, one.id ?? '');
    await second.until((f) => f.data?.includes('"stream.live"') ?? false);
    const bodies = second
      .items()
      .filter((i) => i.type === 'message.created')
      .map((i) => (i.message as { body: string }).body);
    expect(bodies).toEqual(['two', 'three']);
    const ids = second
      .items()
      .filter((i) => i.type === 'message.created')
      .map((i) => i.id);
    expect(ids[0]).toBeGreaterThan(Number(one.id));
    expect(ids[1]).toBeGreaterThan(ids[0] ?? 0);

    // And it stays live after the replay.
    await send('four');
    await second.until((f) => f.data?.includes('"four"') ?? false);
    expect(second.items().filter((i) => i.type === 'message.created')).toHaveLength(3);
    await second.close();
  });

  it('lets go of the subscription when the client goes away', async () => {
    const { register } = restClient(t.url);
    const active = async () => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      return Number(/^pigeon_subscriptions_active (\S+)$/m.exec(text)?.[1]);
    };
    // Streams of earlier tests are released too; start from none.
    await expect.poll(active, { timeout: 5_000 }).toBe(0);
    const before = 0;
    const user = await register('sse_gone');
    const stream = await openEventStream(t.url, user.token);
    await stream.until((f) => f.data?.includes('"stream.live"') ?? false);
    expect(await active()).toBe(before + 1);
    await stream.close();
    await expect.poll(active, { timeout: 5_000 }).toBe(before);
  });

  it('refuses a missing token and a malformed Last-Event-ID with typed errors', async () => {
    const { register } = restClient(t.url);
    const anonymous = await openEventStream(t.url, 'nope');
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('UNAUTHORIZED');
    const user = await register('sse_bad');
    const malformed = await openEventStream(t.url, user.token, 'abc');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe('BAD_REQUEST');
  });

  it('ends the stream, saying why, when the session is logged out', async () => {
    const { call, register } = restClient(t.url);
    const user = await register('sse_out');
    const stream = await openEventStream(t.url, user.token);
    await stream.until((f) => f.data?.includes('"stream.live"') ?? false);
    await call('POST', '/auth/logout', { token: user.token });
    const closed = await stream.until((f) => f.event === 'close');
    expect(JSON.parse(closed.data ?? '')).toMatchObject({ code: 4003 });
    await stream.until(() => stream.ended());
  });
});

describe('SSE connection rules', () => {
  it('ends streams at once when the server shuts down, so clients resume elsewhere', async () => {
    const server = await startTestServer('embedded', { shutdownGraceMs: 20_000 });
    const { register } = restClient(server.url);
    const user = await register('sse_stop');
    const stream = await openEventStream(server.url, user.token);
    await stream.until((f) => f.data?.includes('"stream.live"') ?? false);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    const closed = await stream.until((f) => f.event === 'close');
    expect(JSON.parse(closed.data ?? '')).toMatchObject({ code: 1012 });
  }, 120_000);

  it('sends keep-alive comments, caps streams per user, and closes when the token expires', async () => {
    const server = await startTestServer('embedded', {
      sseKeepAliveMs: 200,
      wsMaxConnectionsPerUser: 1,
      accessTokenTtlSeconds: 3,
    });
    try {
      const { register } = restClient(server.url);
      const user = await register('sse_rules');
      const stream = await openEventStream(server.url, user.token);
      await stream.until((f) => f.comment === 'keep-alive', 2_000);

      const extra = await openEventStream(server.url, user.token);
      expect(extra.status).toBe(429);
      expect((await extra.json()).error.code).toBe('TOO_MANY_REQUESTS');

      const closed = await stream.until((f) => f.event === 'close', 10_000);
      expect(JSON.parse(closed.data ?? '')).toMatchObject({ code: 4001, reason: 'access token expired' });
    } finally {
      await server.close();
    }
  }, 120_000);
});
