// Clients and sockets that authenticate with a personal API token instead of a login.
import { createPigeonClient, type PigeonClient } from '@pigeon/client';
import type { CreateApiTokenInput } from '@pigeon/schema';
import WebSocket from 'ws';

/** A token made by a logged-in client: the secret, and the id to revoke it by. */
export async function makeApiToken(
  owner: { client: PigeonClient },
  input: Partial<CreateApiTokenInput> = {},
): Promise<{ secret: string; id: string; userId: string }> {
  const { token, secret } = await owner.client.tokens.create.mutate({
    name: 'test token',
    scope: 'write',
    expiresInDays: null,
    ...input,
  });
  return { secret, id: token.id, userId: token.userId };
}

/**
 * A typed client whose bearer token is the API token: the client treats it as an access token
 * that never needs refreshing. (Its `user` is a placeholder; the server knows who it is.)
 */
export function clientWithApiToken(url: string, secret: string): PigeonClient {
  const far = new Date(Date.now() + 365 * 86_400_000).toISOString();
  return createPigeonClient({
    url,
    WebSocket,
    retryDelayMs: () => 50,
    session: {
      accessToken: secret,
      accessTokenExpiresAt: far,
      refreshToken: null,
      refreshTokenExpiresAt: far,
      user: {
        id: '00000000-0000-4000-8000-000000000000',
        username: 'api-token',
        displayName: null,
        email: null,
        emailVerified: false,
        createdAt: new Date().toISOString(),
        isBot: false,
        isAdmin: false,
        avatarUrl: null,
      },
    },
  });
}

/** A raw socket authenticated with `token` and subscribed to its events; resolves its close code. */
export function rawSocketWith(url: string, token: string) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/trpc?connectionParams=1`);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const live = new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
      ws.send(
        JSON.stringify({
          id: 1,
          method: 'subscription',
          params: { path: 'events.subscribe', input: { lastEventId: null } },
        }),
      );
    });
    ws.once('error', reject);
    ws.on('message', (data: Buffer) => {
      if (data.toString().includes('stream.live')) resolve();
    });
  });
  return { live, closed, close: () => ws.close() };
}

/** A tRPC call over plain HTTP with a bearer token, as any HTTP client (or REST) would make it. */
export async function callWithBearer(
  url: string,
  token: string,
  path: string,
  type: 'query' | 'mutation',
  input: unknown,
): Promise<{ status: number; code: string | undefined }> {
  const headers = { authorization: `Bearer ${token}` };
  const json = JSON.stringify(input);
  const res =
    type === 'query'
      ? await fetch(`${url}/trpc/${path}?input=${encodeURIComponent(json)}`, { headers })
      : await fetch(`${url}/trpc/${path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: json,
        });
  const body = (await res.json()) as { error?: { data?: { code?: string } } };
  return { status: res.status, code: body.error?.data?.code };
}
