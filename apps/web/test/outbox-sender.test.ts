import type { Message } from '@pigeon/schema';
import { describe, expect, it } from 'vitest';
import { startOutboxSender, refusedByServer } from '../src/lib/outbox-sender';
import { createStore } from '../src/store';
import { networkChanged, socketStatusChanged } from '../src/store/connection';
import { allPending, confirmed, queued, retried, type PendingMessage } from '../src/store/outbox';
import { loggedIn, loggedOut, resumedOffline } from '../src/store/session';

const trpcError = (httpStatus: number) => Object.assign(new Error('refused'), { data: { httpStatus } });
const networkError = () => new TypeError('Failed to fetch');

/** A send the test answers by hand, recording the order of the calls. */
function harness() {
  const store = createStore();
  const calls: string[] = [];
  let answers: (m: PendingMessage) => Promise<Message> = (m) =>
    Promise.resolve({ clientId: m.clientId } as Message);
  const stored: string[] = [];
  const stop = startOutboxSender({
    store,
    send: (m) => {
      calls.push(m.body);
      return answers(m);
    },
    // As applyStoredMessage does: the stored message leaves the outbox.
    onStored: (message) => {
      stored.push(message.clientId);
      store.dispatch(confirmed(message.clientId));
    },
  });
  let n = 0;
  const write = (body: string) => {
    n++;
    store.dispatch(
      queued({ clientId: `c${n}`, conversationId: 'conv', body, createdAt: '2026-01-01T00:00:00.000Z' }),
    );
  };
  return {
    store,
    calls,
    stored,
    stop,
    write,
    answer: (fn: typeof answers) => (answers = fn),
    statuses: () => allPending(store.getState().outbox).map((m) => `${m.body}:${m.status}`),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('the outbox sender', () => {
  it('waits for a live session, then sends in the order written, one at a time', async () => {
    const h = harness();
    h.store.dispatch(resumedOffline({ id: 'u' }));
    h.write('one');
    h.write('two');
    h.write('three');
    await settle();
    expect(h.calls).toEqual([]);
    expect(h.statuses()).toEqual(['one:queued', 'two:queued', 'three:queued']);

    let inFlight = 0;
    let most = 0;
    h.answer(async (m) => {
      most = Math.max(most, ++inFlight);
      await settle();
      inFlight--;
      return { clientId: m.clientId } as Message;
    });
    h.store.dispatch(loggedIn({ id: 'u' }));
    await expect.poll(() => h.stored).toEqual(['c1', 'c2', 'c3']);
    expect(h.calls).toEqual(['one', 'two', 'three']);
    expect(most).toBe(1);
    h.stop();
  });

  it('keeps messages queued through network and server failures, and sends them on reconnect', async () => {
    const h = harness();
    h.store.dispatch(loggedIn({ id: 'u' }));
    h.answer(() => Promise.reject(networkError()));
    h.write('one');
    h.write('two');
    await expect.poll(() => h.calls).toEqual(['one']);
    expect(h.statuses()).toEqual(['one:queued', 'two:queued']);
    h.answer(() => Promise.reject(trpcError(503)));
    h.store.dispatch(socketStatusChanged('connected'));
    await expect.poll(() => h.calls).toEqual(['one', 'one']);
    expect(h.statuses()).toEqual(['one:queued', 'two:queued']);

    h.answer((m) => Promise.resolve({ clientId: m.clientId } as Message));
    h.store.dispatch(networkChanged(false));
    h.store.dispatch(networkChanged(true));
    await expect.poll(() => h.stored).toEqual(['c1', 'c2']);
    expect(h.calls).toEqual(['one', 'one', 'one', 'two']);
    h.stop();
  });

  it('marks a message the server refuses as failed and goes on; a retry queues it again', async () => {
    const h = harness();
    h.store.dispatch(loggedIn({ id: 'u' }));
    h.answer((m) =>
      m.body === 'bad'
        ? Promise.reject(trpcError(403))
        : Promise.resolve({ clientId: m.clientId } as Message),
    );
    h.write('bad');
    h.write('good');
    await expect.poll(() => h.stored).toEqual(['c2']);
    expect(h.statuses()).toEqual(['bad:failed']);
    h.answer((m) => Promise.resolve({ clientId: m.clientId } as Message));
    h.store.dispatch(retried('c1'));
    await expect.poll(() => h.stored).toEqual(['c2', 'c1']);
    h.stop();
  });

  it('forgets the outbox on logout', () => {
    const h = harness();
    h.store.dispatch(resumedOffline({ id: 'u' }));
    h.write('one');
    h.store.dispatch(loggedOut());
    expect(h.statuses()).toEqual([]);
    h.stop();
  });
});

describe('refusedByServer', () => {
  it('counts 4xx answers as refusals, but not rate limits, timeouts, expired sessions, 5xx or the network', () => {
    expect([400, 403, 404, 409].map((s) => refusedByServer(trpcError(s)))).toEqual([true, true, true, true]);
    expect([401, 408, 429, 500, 503].map((s) => refusedByServer(trpcError(s)))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(refusedByServer(networkError())).toBe(false);
  });
});
