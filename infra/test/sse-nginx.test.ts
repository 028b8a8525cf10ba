import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createScratchDatabase } from '@pigeon/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../src/cluster';
import { freePort } from '../src/ports';
import { startPrivateRedis, stopProcess } from '../src/redis';

const adminUrl = process.env.DATABASE_URL;
const hasNginx = spawnSync('nginx', ['-v']).status === 0;
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

/** The raw text of an event stream as it arrives, so the test sees exactly what NGINX passes. */
async function openStream(url: string, token: string, lastEventId?: string) {
  const abort = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' };
  if (lastEventId) headers['last-event-id'] = lastEventId;
  const res = await fetch(`${url}/api/v1/events`, { headers, signal: abort.signal });
  let text = '';
  const pump = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body ?? []) text += decoder.decode(chunk as Uint8Array, { stream: true });
    } catch {
      // Closed by the test.
    }
  })();
  return {
    res,
    text: () => text,
    async until(needle: string | RegExp, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(typeof needle === 'string' ? text.includes(needle) : needle.test(text))) {
        if (Date.now() > deadline) throw new Error(`no ${String(needle)} in: ${text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      abort.abort();
      await pump;
    },
  };
}

describe.runIf(adminUrl && hasNginx && hasRedis)('Server-Sent Events through NGINX', () => {
  let cluster: Cluster | undefined;
  let redis: ChildProcess | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const scratch = await createScratchDatabase(adminUrl ?? '');
    dropDatabase = scratch.drop;
    const redisPort = await freePort();
    redis = await startPrivateRedis(redisPort);
    cluster = await startCluster({
      instances: 2,
      databaseUrl: scratch.url,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      jwtSecret: randomBytes(48).toString('base64url'),
    });
  }, 120_000);

  const running = () => {
    if (!cluster) throw new Error('the cluster did not start');
    return cluster;
  };

  afterAll(async () => {
    await cluster?.stop();
    if (redis) await stopProcess(redis);
    await dropDatabase?.();
  }, 60_000);

  async function rest<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
    const res = await fetch(`${running().url}/api/v1${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function register(prefix: string) {
    const username = `${prefix}_${randomBytes(4).toString('hex')}`;
    const session = await rest<{ user: { id: string }; accessToken: string }>(
      'POST',
      '/auth/register',
      null,
      {
        username,
        email: `${username}@example.com`,
        password: 'nginx sse password',
      },
    );
    return { id: session.user.id, token: session.accessToken };
  }

  it('passes each event at once, uncompressed, with keep-alives, and resumes on the other instance', async () => {
    const alice = await register('ng_a');
    const bob = await register('ng_b');
    const { request } = await rest<{ request: { id: string } }>('POST', '/friends/requests', bob.token, {
      userId: alice.id,
    });
    await rest('POST', `/friends/requests/${request.id}/accept`, alice.token);
    const { id: conversationId } = await rest<{ id: string }>('POST', '/conversations', alice.token, {
      userId: bob.id,
    });
    const send = (body: string) =>
      rest('POST', `/conversations/${conversationId}/messages`, bob.token, { body, clientId: randomUUID() });

    const stream = await openStream(running().url, alice.token);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-encoding')).toBeNull();
    await stream.until('"stream.live"');
    await send('through nginx');
    // One small event, passed on by itself: nothing waits for a buffer to fill.
    await stream.until('through nginx', 5_000);
    const lastId = /id: (\d+)\ndata: [^\n]*through nginx/.exec(stream.text())?.[1];
    expect(lastId).toMatch(/^\d+$/);
    // A keep-alive comment (every 15 s) reaches the client through the proxy too.
    await stream.until(': keep-alive', 20_000);
    await stream.close();

    await send('while away');
    // Straight to the second instance: the id is the user's, not the instance's.
    const other = running().instances[1];
    if (!other) throw new Error('two instances expected');
    const resumed = await openStream(other.url, alice.token, lastId);
    await resumed.until('"stream.live"');
    const text = resumed.text();
    expect(text).toContain('while away');
    expect(text).not.toContain('through nginx');
    await resumed.close();
  }, 90_000);
});
