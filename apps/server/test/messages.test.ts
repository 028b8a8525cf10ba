import { describe, expect, it } from 'vitest';
import { errorCode } from '@pigeon/test-utils';
import { backends, befriend, collectEvents, newClientId, useTestServer } from './harness';

describe.each(backends)('sending messages (%s)', (backend) => {
  const t = useTestServer(backend);

  it('stores a retried send once, even when the retries race', async () => {
    const a = await t.user('ia');
    const b = await t.user('ib');
    const conversationId = await befriend(a, b);
    const stream = collectEvents(b.client);
    await stream.live();

    const clientId = newClientId();
    const first = await a.client.messages.send.mutate({ conversationId, body: 'once', clientId });
    const retries = await Promise.all(
      Array.from({ length: 5 }, () =>
        a.client.messages.send.mutate({ conversationId, body: 'once', clientId }),
      ),
    );
    expect(retries.every((m) => m.id === first.id)).toBe(true);

    const racing = newClientId();
    const raced = await Promise.all(
      Array.from({ length: 5 }, () =>
        a.client.messages.send.mutate({ conversationId, body: 'race', clientId: racing }),
      ),
    );
    expect(new Set(raced.map((m) => m.id)).size).toBe(1);

    const history = await a.client.messages.history.query({ conversationId });
    expect(history.messages.map((m) => m.body)).toEqual(['race', 'once']);
    await stream.until(() => stream.messages().length === 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(stream.messages().map((m) => m.body)).toEqual(['once', 'race']);
    stream.unsubscribe();
  });

  it('refuses a clientId reused for another conversation', async () => {
    const a = await t.user('ca');
    const b = await t.user('cb');
    const c = await t.user('cc');
    const withB = await befriend(a, b);
    const withC = await befriend(a, c);
    const clientId = newClientId();
    await a.client.messages.send.mutate({ conversationId: withB, body: 'to b', clientId });
    await expect(
      a.client.messages.send.mutate({ conversationId: withC, body: 'to c', clientId }),
    ).rejects.toSatisfy((err) => errorCode(err) === 'CONFLICT');
    expect((await c.client.messages.history.query({ conversationId: withC })).messages).toEqual([]);
  });

  it('keeps strangers out: no conversation, no send, no history, no events', async () => {
    const a = await t.user('sa');
    const b = await t.user('sb');
    const stranger = await t.user('stranger');
    const conversationId = await befriend(a, b);
    const strangerStream = collectEvents(stranger.client);
    await strangerStream.live();

    await expect(stranger.client.conversations.open.mutate({ userId: a.id })).rejects.toSatisfy(
      (err) => errorCode(err) === 'FORBIDDEN',
    );
    await expect(
      stranger.client.messages.send.mutate({ conversationId, body: 'let me in', clientId: newClientId() }),
    ).rejects.toSatisfy((err) => errorCode(err) === 'NOT_FOUND');
    await expect(stranger.client.messages.history.query({ conversationId })).rejects.toSatisfy(
      (err) => errorCode(err) === 'NOT_FOUND',
    );

    const bStream = collectEvents(b.client);
    await bStream.live();
    await a.client.messages.send.mutate({ conversationId, body: 'private', clientId: newClientId() });
    await bStream.until(() => bStream.messages().length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(strangerStream.events()).toEqual([]);
    expect(await stranger.client.conversations.list.query()).toEqual([]);
    expect((await a.client.messages.history.query({ conversationId })).messages.map((m) => m.body)).toEqual([
      'private',
    ]);
    strangerStream.unsubscribe();
    bStream.unsubscribe();
  });

  it('rejects empty, oversized and malformed messages with readable errors and stores nothing', async () => {
    const a = await t.user('va');
    const b = await t.user('vb');
    const conversationId = await befriend(a, b);
    const attempts: [unknown, RegExp][] = [
      [{ conversationId, body: 'x'.repeat(4001), clientId: newClientId() }, /at most 4000 characters/],
      [{ conversationId, body: '   ', clientId: newClientId() }, /cannot be empty/],
      [{ conversationId, body: 'hi', clientId: 'not-a-uuid' }, /clientId must be a UUID/],
      [{ conversationId: 'nope', body: 'hi', clientId: newClientId() }, /conversation id/],
      [{ conversationId, body: 42, clientId: newClientId() }, /./],
      [{ conversationId }, /Message text is required/],
    ];
    for (const [input, message] of attempts) {
      const err = await a.client.messages.send.mutate(input as never).catch((e: unknown) => e);
      expect(errorCode(err)).toBe('BAD_REQUEST');
      expect((err as Error).message).toMatch(message);
    }
    // A message of exactly the limit is fine.
    await a.client.messages.send.mutate({ conversationId, body: 'y'.repeat(4000), clientId: newClientId() });
    expect((await b.client.messages.history.query({ conversationId })).messages).toHaveLength(1);
  });

  it('bounds history pages', async () => {
    const a = await t.user('ha');
    const b = await t.user('hb');
    const conversationId = await befriend(a, b);
    for (const limit of [0, 101, 1.5]) {
      await expect(a.client.messages.history.query({ conversationId, limit })).rejects.toSatisfy(
        (err) => errorCode(err) === 'BAD_REQUEST',
      );
    }
  });
});
