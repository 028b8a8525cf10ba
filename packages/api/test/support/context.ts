import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '@pigeon/db';
import { createFilesystemStore } from '@pigeon/media';
import type { EventBus } from '../../src/bus';
import type { Context } from '../../src/context';
import { noMetrics } from '../../src/metrics';
import { InProcessPresenceStore } from '../../src/presence-store';
import { createRateLimits, DEFAULT_RATE_LIMITS } from '../../src/rate-limits';
import { DEFAULT_UPLOAD_LIMITS } from '../../src/services/attachments';
import { createSecretBox } from '../../src/services/secret-box';
import { SendQueue } from '../../src/services/send-queue';
import { createTokenService } from '../../src/services/tokens';

/**
 * A stand-in for tests whose calls never reach the database: any use of it throws, naming what
 * was used, instead of failing somewhere later on a null.
 */
function noDatabase(): Database {
  return new Proxy(Object.create(null) as Database, {
    get(_target, property) {
      throw new Error(`this test context has no database (it read ${String(property)})`);
    },
  });
}

/** A bus that forgets what it is told. */
export const silentBus: EventBus = {
  publish: () => Promise.resolve(),
  publishEphemeral: () => Promise.resolve(),
  announceRevokedSessions: () => Promise.resolve(),
  onRevokedSessions: () => () => undefined,
  subscribe: () => Promise.resolve(() => undefined),
  ping: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

/**
 * The context a procedure call gets, built the way the server builds it, for calling a router in
 * a test: an anonymous caller with no database unless `overrides` gives them, everything else
 * in-process and quiet. A new dependency gets its default here, once, not in every test.
 */
export function testContext(overrides: Partial<Context> = {}): Context {
  const db = overrides.db ?? noDatabase();
  return {
    db,
    bus: silentBus,
    tokens: createTokenService({
      jwtSecret: 'test-context-secret'.padEnd(40, '!'),
      accessTokenTtlSeconds: 60,
      refreshTokenTtlSeconds: 60,
    }),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    metrics: noMetrics,
    sends: new SendQueue(db),
    rateLimits: createRateLimits(DEFAULT_RATE_LIMITS, null),
    sessionStatus: {
      isLive: () => Promise.resolve(true),
      apiTokenViewer: () => Promise.resolve(null),
      forget: () => undefined,
    },
    presence: new InProcessPresenceStore(30_000),
    registrationModeDefault: 'open',
    secretBox: createSecretBox({}),
    // Never written to unless a test uploads: the directory is only created by a first put.
    files: createFilesystemStore({ root: join(tmpdir(), `pigeon-test-context-${randomUUID()}`) }),
    uploads: DEFAULT_UPLOAD_LIMITS,
    viewer: null,
    userAgent: null,
    cookies: null,
    requestId: null,
    ip: null,
    connection: null,
    ...overrides,
  };
}
