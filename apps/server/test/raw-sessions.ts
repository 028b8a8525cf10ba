import { createPigeonClient, type PigeonClient } from '@pigeon/client';
import WebSocket from 'ws';
import type { TestServer } from './harness';

/* Sessions handled by hand, below the typed client: raw sockets and bare access tokens. */

/** A raw socket authenticated with `token`, resolving with its close code. */
export function socketWith(server: TestServer, token: string) {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/trpc?connectionParams=1`);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      ws.send(JSON.stringify({ method: 'connectionParams', data: { token } }));
      ws.send(
        JSON.stringify({
          id: 1,
          method: 'subscription',
          params: { path: 'events.subscribe', input: { lastEventId: null } },
        }),
      );
      resolve();
    });
    ws.once('error', reject);
  });
  const live = new Promise<void>((resolve) =>
    ws.on('message', (data: Buffer) => {
      if (data.toString().includes('stream.live')) resolve();
    }),
  );
  return { opened, live, closed };
}

export async function loginAgain(
  server: TestServer,
  user: { username: string; password: string },
  userAgent?: string,
) {
  const res = await fetch(`${server.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(userAgent ? { 'user-agent': userAgent } : {}) },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  const body = (await res.json()) as { result: { data: { accessToken: string; refreshToken: string } } };
  return body.result.data;
}

export function clientWith(server: TestServer, accessToken: string): PigeonClient {
  return createPigeonClient({
    url: server.url,
    WebSocket,
    session: {
      accessToken,
      accessTokenExpiresAt: new Date(Date.now() + 600_000).toISOString(),
      refreshToken: null,
      refreshTokenExpiresAt: new Date(Date.now() + 600_000).toISOString(),
      user: {
        id: '00000000-0000-4000-8000-000000000000',
        username: 'x',
        displayName: null,
        email: null,
        emailVerified: false,
        createdAt: new Date().toISOString(),
        isAdmin: false,
        avatarUrl: null,
        isBot: false,
      },
    },
  });
}
