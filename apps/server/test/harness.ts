import { randomBytes, randomUUID } from 'node:crypto';
import { createPigeonClient, type PigeonClient, type StreamItem } from '@pigeon/client';
import { DEFAULT_RATE_LIMITS, type RateLimitRules } from '@pigeon/api';
import { afterAll, beforeAll } from 'vitest';
import { createScratchDatabase } from '@pigeon/db/testing';
import { deleteKeysUnder } from '@pigeon/test-utils';
import WebSocket from 'ws';
import type { ServerConfig } from '../src/config';
import { createLogger, type Logger } from '../src/logger';
import { startServer, type RunningServer } from '../src/server';

export type Backend = 'embedded' | 'cluster';

/** Always PGlite; PostgreSQL + Redis too when the environment names them (as CI does). */
export const backends: Backend[] =
  process.env.DATABASE_URL && process.env.REDIS_URL ? ['embedded', 'cluster'] : ['embedded'];

export const TEST_JWT_SECRET = 'test-secret-'.padEnd(48, 'x');

/** Limits no functional test reaches; the rate-limit tests set their own. */
export const UNLIMITED: RateLimitRules = Object.fromEntries(
  Object.keys(DEFAULT_RATE_LIMITS).map((name) => [name, { points: 1_000_000, durationSeconds: 1 }]),
) as RateLimitRules;

export interface TestServer {
  server: RunningServer;
  url: string;
  config: ServerConfig;
  client(opts?: { url?: string }): PigeonClient;
  /** Registers a fresh user (unique name) and returns a logged-in client. */
  user(
    prefix?: string,
  ): Promise<{ client: PigeonClient; id: string; username: string; email: string; password: string }>;
  close(): Promise<void>;
}

export async function startTestServer(
  backend: Backend,
  overrides: Partial<ServerConfig> = {},
  /** Where the server logs; silent unless a test reads the log. */
  log?: Logger,
): Promise<TestServer> {
  // A database and a Redis prefix of this server's own, unless the caller shares another server's
  // (two instances of one cluster): only what is made here is removed after it.
  const scratch =
    backend === 'cluster' && process.env.DATABASE_URL && !('database' in overrides)
      ? await createScratchDatabase(process.env.DATABASE_URL)
      : null;
  const config: ServerConfig = {
    host: '127.0.0.1',
    port: 0,
    database: { url: scratch?.url, dataDir: 'memory://', poolSize: 5 },
    redis:
      backend === 'cluster' && process.env.REDIS_URL
        ? { url: process.env.REDIS_URL, prefix: `pigeon-test:${randomBytes(4).toString('hex')}:` }
        : undefined,
    jwtSecret: TEST_JWT_SECRET,
    accessTokenTtlSeconds: 900,
    refreshTokenTtlSeconds: 86_400,
    logLevel: 'silent',
    shutdownGraceMs: 1_000,
    cookieSecure: false,
    webDist: undefined,
    rateLimits: UNLIMITED,
    ...overrides,
  };
  const ownRedis = 'redis' in overrides ? undefined : config.redis;
  const removeOwn = async () => {
    await scratch?.drop();
    if (ownRedis) await deleteKeysUnder(ownRedis.url, ownRedis.prefix);
  };
  let server: RunningServer;
  try {
    server = await startServer(config, log ?? createLogger(config.logLevel));
  } catch (error) {
    await removeOwn();
    throw error;
  }
  const clients: PigeonClient[] = [];
  const client = (opts: { url?: string } = {}) => {
    const c = createPigeonClient({ url: opts.url ?? server.url, WebSocket, retryDelayMs: () => 50 });
    clients.push(c);
    return c;
  };
  return {
    server,
    url: server.url,
    config,
    client,
    async user(prefix = 'user') {
      const c = client();
      const username = `${prefix}_${randomBytes(4).toString('hex')}`;
      const password = 'correct horse battery';
      const email = `${username}@example.com`;
      const session = await c.auth.register.mutate({ username, email, password });
      return { client: c, id: session.user.id, username, email, password };
    },
    async close() {
      await Promise.all(clients.map((c) => c.$close()));
      await server.close();
      await removeOwn();
    },
  };
}

/**
 * One server for a describe block: started before its tests, closed after. The returned object
 * stands for the running server.
 */
export function useTestServer(backend: Backend, overrides: Partial<ServerConfig> = {}): TestServer {
  let current: TestServer | undefined;
  beforeAll(async () => {
    current = await startTestServer(backend, overrides);
  });
  afterAll(() => current?.close());
  const running = () => {
    if (!current) throw new Error('the test server is not running');
    return current;
  };
  return {
    get server() {
      return running().server;
    },
    get url() {
      return running().url;
    },
    get config() {
      return running().config;
    },
    client: (opts) => running().client(opts),
    user: (prefix) => running().user(prefix),
    close: () => running().close(),
  };
}

/** Makes two registered users friends and opens their conversation. */
export async function befriend(
  a: { client: PigeonClient; username: string },
  b: { client: PigeonClient },
): Promise<string> {
  const { request } = await b.client.friends.request.mutate({ username: a.username });
  await a.client.friends.accept.mutate({ requestId: request.id });
  const conversation = await a.client.conversations.open.mutate({ userId: request.from.id });
  return conversation.id;
}

/** Collects a user's event stream; `until` waits for a condition on what has arrived. */
export function collectEvents(client: PigeonClient, lastEventId: string | null = null) {
  const items: StreamItem[] = [];
  const errors: unknown[] = [];
  let waiters: (() => void)[] = [];
  const sub = client.events.subscribe.subscribe(
    { lastEventId },
    {
      onData(envelope) {
        items.push(envelope.data);
        for (const w of waiters) w();
      },
      onError(err) {
        errors.push(err);
        for (const w of waiters) w();
      },
    },
  );
  const events = () => items.filter((i) => i.type !== 'stream.live');
  return {
    items,
    errors,
    events,
    messages: () => events().flatMap((e) => (e.type === 'message.created' ? [e.message] : [])),
    unsubscribe: () => sub.unsubscribe(),
    /** Waits until the stream has caught up (its first `stream.live` marker). */
    live: () => waitUntil(() => items.some((i) => i.type === 'stream.live'), 10_000, 'the stream to go live'),
    until: waitUntil,
  };

  async function waitUntil(check: () => boolean, timeoutMs = 10_000, what = 'condition') {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      waiters = [];
    }
  }
}

export const newClientId = () => randomUUID();
