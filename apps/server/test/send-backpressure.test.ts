import { describe, expect, it } from 'vitest';
import { backends, befriend, collectEvents, newClientId, useTestServer } from './harness';

const FLOOD = 400;

describe.each(backends)('back-pressure on sends (%s)', (backend) => {
  // One send may wait while a batch commits; a flood must meet a full queue.
  const t = useTestServer(backend, { sendQueueMax: 1 });

  it('refuses a flood past the send queue with TOO_MANY_REQUESTS, stores none of the refused, loses none acknowledged', async () => {
    const a = await t.user('flooder');
    const b = await t.user('reader');
    const conversationId = await befriend(a, b);
    const sender = collectEvents(a.client);
    const receiver = collectEvents(b.client);
    await Promise.all([sender.live(), receiver.live()]);

    const sends = Array.from({ length: FLOOD }, (_, i) => ({ body: `flood ${i}`, clientId: newClientId() }));
    const results = await Promise.allSettled(
      sends.map((s) => a.client.messages.send.mutate({ conversationId, ...s })),
    );

    const acknowledged = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({
        data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, retryAfterSeconds: 1 },
      });
    }

    // Exactly the acknowledged messages are stored, each once...
    const stored = await b.client.messages.history.query({ conversationId, limit: 100 });
    const storedIds = new Set<number>();
    let page = stored;
    for (;;) {
      for (const m of page.messages) storedIds.add(m.id);
      if (!page.nextCursor) break;
      page = await b.client.messages.history.query({ conversationId, limit: 100, cursor: page.nextCursor });
    }
    const acknowledgedIds = new Set(acknowledged.map((m) => m.id));
    expect(storedIds).toEqual(acknowledgedIds);
    // ...and every one of them reaches the receiver's stream.
    await receiver.until(
      () => receiver.messages().filter((m) => acknowledgedIds.has(m.id)).length === acknowledgedIds.size,
      20_000,
      'every acknowledged message to arrive',
    );
    expect(receiver.messages()).toHaveLength(acknowledgedIds.size);

    // The refusal is momentary: once the queue drains, the same sender is served again.
    const later = await a.client.messages.send.mutate({
      conversationId,
      body: 'after',
      clientId: newClientId(),
    });
    await receiver.until(() => receiver.messages().some((m) => m.id === later.id), 10_000, 'the later send');
    sender.unsubscribe();
    receiver.unsubscribe();
  });
});
