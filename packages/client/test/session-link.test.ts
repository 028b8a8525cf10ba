import type { AppRouter } from '@pigeon/api';
import {
  createTRPCClient,
  type OperationResultEnvelope,
  type TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sessionLink } from '../src/links';
import { SessionStore } from '../src/session';

type Envelope = OperationResultEnvelope<unknown, TRPCClientError<AppRouter>>;

/** The end of the chain: answers (or not) and completes, as tRPC's own links do. */
function endLink(answer: unknown, opts: { answers: boolean } = { answers: true }): TRPCLink<AppRouter> {
  return () => () =>
    observable<Envelope, TRPCClientError<AppRouter>>((observer) => {
      if (opts.answers) observer.next({ result: { type: 'data', data: answer } });
      observer.complete();
    });
}

function clientWith(end: TRPCLink<AppRouter>) {
  const store = new SessionStore(null, () => Promise.resolve(null));
  return createTRPCClient<AppRouter>({ links: [sessionLink(store), end] });
}

describe('sessionLink', () => {
  afterEach(() => vi.restoreAllMocks());

  it('settles an answered call without aborting anything', async () => {
    const abort = vi.spyOn(AbortController.prototype, 'abort');
    const client = clientWith(endLink({ id: 'm1' }));
    const answers = await Promise.all([
      client.messages.send.mutate({ conversationId: 'c', body: 'hi', clientId: crypto.randomUUID() }),
      client.settings.get.query(),
    ]);
    expect(answers).toEqual([{ id: 'm1' }, { id: 'm1' }]);
    // tRPC's client aborts (building a DOMException) when a call completes; an answered one must not.
    expect(abort).not.toHaveBeenCalled();
  });

  it('still fails a call that completes without an answer', async () => {
    const client = clientWith(endLink(null, { answers: false }));
    await expect(client.settings.get.query()).rejects.toThrow();
  });

  it('passes a subscription’s end on to its listener', async () => {
    const client = clientWith(endLink({ type: 'stream.live', id: 0 }));
    const ended = await new Promise<boolean>((resolve) => {
      client.events.subscribe.subscribe({ lastEventId: null }, { onComplete: () => resolve(true) });
    });
    expect(ended).toBe(true);
  });
});
