import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPigeonClient, NO_WEBSOCKET_MESSAGE } from '../src/index';

describe('a client in a runtime without WebSocket (Node 20)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is created, and fails only a subscription, with a message saying what to pass', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const pigeon = createPigeonClient({ url: 'http://127.0.0.1:9' });
    const error = await new Promise<Error>((resolve) => {
      pigeon.events.subscribe.subscribe({ lastEventId: null }, { onError: resolve });
    });
    expect(error.message).toBe(NO_WEBSOCKET_MESSAGE);
    await pigeon.$close();
  });

  it('uses the global WebSocket when there is one (browsers, Node 22)', async () => {
    const constructed: string[] = [];
    vi.stubGlobal(
      'WebSocket',
      vi.fn(function FakeWebSocket(url: string) {
        constructed.push(url);
        throw new Error('no network in this test');
      }),
    );
    const pigeon = createPigeonClient({ url: 'https://chat.example.com/', retryDelayMs: () => 60_000 });
    const sub = pigeon.events.subscribe.subscribe({ lastEventId: null }, {});
    await vi.waitFor(() => expect(constructed).toEqual(['wss://chat.example.com/trpc?connectionParams=1']));
    sub.unsubscribe();
    await pigeon.$close();
  });
});
