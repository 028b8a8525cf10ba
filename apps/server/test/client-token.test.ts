import { createPigeonClient, type StreamItem } from '@pigeon/client';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useTestServer } from './harness';

describe('a client given a bearer token instead of a session', () => {
  const t = useTestServer('embedded');

  it('calls over HTTP and follows the stream over the WebSocket as that token’s user', async () => {
    const owner = await t.user('owner');
    const token = owner.client.$session.get()?.accessToken;
    if (!token) throw new Error('no access token');

    const pigeon = createPigeonClient({ url: t.url, WebSocket, token });
    try {
      expect((await pigeon.auth.me.query()).id).toBe(owner.id);
      expect(pigeon.$session.get()).toBeNull();
      const first = await new Promise<StreamItem>((resolve, reject) => {
        const sub = pigeon.events.subscribe.subscribe(
          { lastEventId: null },
          {
            onData: ({ data }) => {
              sub.unsubscribe();
              resolve(data);
            },
            onError: reject,
          },
        );
      });
      expect(first.type).toBe('stream.live');
    } finally {
      await pigeon.$close();
    }
  });

  it('is refused with UNAUTHORIZED when the token is not valid', async () => {
    const pigeon = createPigeonClient({ url: t.url, token: 'not-a-token' });
    await expect(pigeon.auth.me.query()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
  });
});
