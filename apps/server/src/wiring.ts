import {
  createSecretBox,
  resealTwoFactorSecrets,
  createRateLimits,
  createSessionStatus,
  createTokenService,
  DEFAULT_RATE_LIMITS,
  DEFAULT_UPLOAD_LIMITS,
  InProcessEventBus,
  InProcessPresenceStore,
  readStreamsAfter,
  SendQueue,
  sendBatchWarmUp,
  startFileSweeper,
  startPresenceSweeper,
  withVerifiedTokenCache,
  type ApiDeps,
  type EventBus,
  type TokenService,
} from '@pigeon/api';
import { createDb, prepareDataDir, type DbHandle } from '@pigeon/db';
import { Redis } from 'ioredis';
import type { ServerConfig } from './config';
import { startEmbeddedMaintenance } from './embedded-maintenance';
import { configuredFileStore } from './file-store';
import { openUploadStaging } from './upload-staging';
import type { Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { RedisEventBus } from './redis-bus';
import { RedisPresenceStore } from './redis-presence';
import { createSmtpMailer } from './smtp-mailer';
import { embeddedJwtSecret } from './secrets';

const DEFAULT_PRESENCE = { ttlMs: 45_000, sweepMs: 5_000 };

/** What the API runs on, connected and migrated, and the way to let go of it. */
export interface Dependencies {
  deps: ApiDeps;
  database: DbHandle;
  metrics: Metrics;
  /** Uploads in progress are staged here (inside the data directory). */
  stagingDir: string;
  /** Stops the sweepers and the database maintenance, and closes the pools, the database last. */
  close(): Promise<void>;
}

/**
 * Connects the database (migrating it), the event bus, the Redis connection the instances share,
 * and builds the services every procedure uses. `openConnections` is read at metrics scrape time.
 */
export async function wireDependencies(
  config: ServerConfig,
  log: Logger,
  openConnections: () => number,
): Promise<Dependencies> {
  const database = await migratedDatabase(config, log);
  const bus = await reachableBus(config, database, log);
  const fileStore = await configuredFileStore(config, log);
  const { files } = fileStore;
  // A bucket that is still coming up (compose starts MinIO beside the instances) is waited for.
  await waitUntilReachable(() => files.check(), 'file store', log);
  const sharedRedis = connectSharedRedis(config, log);
  // Connected before ready: with no offline queue, a command sent while it still connects fails
  // at once, and the first sends' rate limits would fall back to this instance's memory.
  if (sharedRedis) {
    await waitUntilReachable(
      async () => {
        await sharedRedis.ping();
      },
      'shared redis',
      log,
    );
  }
  const presenceConfig = config.presence ?? DEFAULT_PRESENCE;
  const presence =
    sharedRedis && config.redis
      ? new RedisPresenceStore(sharedRedis, config.redis.prefix, presenceConfig.ttlMs)
      : new InProcessPresenceStore(presenceConfig.ttlMs);
  const tokens = tokenService(config);
  const staging = await openUploadStaging(config);
  const uploads = config.uploads ?? DEFAULT_UPLOAD_LIMITS;
  const mailer = config.email ? createSmtpMailer(config.email.smtp, config.email.from) : undefined;
  const metrics = createMetrics({
    connections: openConnections,
    ping: { database: () => database.ping(), bus: () => bus.ping(), files: () => files.check() },
  });
  const secretBox = createSecretBox({
    key: config.dataEncryption?.key,
    previousKeys: config.dataEncryption?.previousKeys ?? [],
  });
  const resealed = await resealTwoFactorSecrets(database.db, secretBox);
  if (resealed > 0) log.info({ resealed }, 'two-factor secrets sealed under DATA_ENCRYPTION_KEY');
  const deps: ApiDeps = {
    db: database.db,
    secretBox,
    bus,
    tokens,
    log,
    metrics: metrics.api,
    sends: new SendQueue(database.db, {
      onBatch: metrics.sendBatchCommitted,
      maxWaiting: config.sendQueueMax,
    }),
    sessionStatus: createSessionStatus(database.db),
    rateLimits: createRateLimits(
      { ...DEFAULT_RATE_LIMITS, ...config.rateLimits },
      sharedRedis ? { redis: sharedRedis, prefix: config.redis?.prefix ?? '' } : null,
    ),
    presence,
    registrationModeDefault: config.registrationMode ?? 'open',
    email: mailer && config.email ? { mailer, publicUrl: config.email.publicUrl } : undefined,
    files,
    uploads,
  };
  const stopPresenceSweeper = startPresenceSweeper(deps, presenceConfig.sweepMs);
  const stopFileSweeper = startFileSweeper(deps, {
    orphanTtlSeconds: uploads.orphanTtlSeconds,
    everyMs: config.fileSweepMs ?? 10 * 60_000,
  });
  // Embedded only: PostgreSQL's autovacuum does this, PGlite has none (the handle has no maintain).
  const maintenance = database.maintain
    ? startEmbeddedMaintenance(database.maintain, log, config.databaseMaintenance)
    : null;

  return {
    deps,
    database,
    metrics,
    stagingDir: staging.dir,
    async close() {
      stopPresenceSweeper();
      stopFileSweeper();
      // A statement in progress ends before the database closes under it.
      await maintenance?.stop();
      mailer?.close();
      await presence.close();
      await bus.close();
      await sharedRedis?.quit().catch(() => undefined);
      await database.close();
      await fileStore.close();
      await staging.close();
    },
  };
}

async function migratedDatabase(config: ServerConfig, log: Logger): Promise<DbHandle> {
  if (!config.database.url) await prepareDataDir(config.database.dataDir);
  const database = createDb({
    databaseUrl: config.database.url,
    dataDir: config.database.dataDir,
    maxConnections: config.database.poolSize,
  });
  await database.migrate();
  log.info({ database: database.kind }, 'database migrated');
  // Before the server says it is ready: the first burst after a start or deploy would otherwise
  // open the connections and prepare the send statement on each, one by one.
  const { warmed, connections } = await database.warm([sendBatchWarmUp]);
  if (warmed < connections) {
    log.warn({ warmed, connections }, 'PostgreSQL refused some connections at start (max_connections?)');
  }
  return database;
}

/** While Redis is down, at most this many events per user and tick come from the log. */
const DEGRADED_EVENTS_PER_USER = 500;

async function reachableBus(config: ServerConfig, database: DbHandle, log: Logger): Promise<EventBus> {
  const bus: EventBus = config.redis
    ? new RedisEventBus(config.redis.url, config.redis.prefix, log, (positions) =>
        readStreamsAfter(database.db, positions, DEGRADED_EVENTS_PER_USER),
      )
    : new InProcessEventBus();
  await waitUntilReachable(() => bus.ping(), 'event bus', log);
  return bus;
}

/**
 * Commands shared by every instance (rate limits, presence); fail fast during an outage, where
 * limits fall back to each instance's memory and presence calls fail without waiting.
 */
function connectSharedRedis(config: ServerConfig, log: Logger): Redis | null {
  const sharedRedis = config.redis
    ? new Redis(config.redis.url, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        // Every send spends a rate-limit unit here: the commands of one turn of the event loop
        // leave in one write, about one write syscall less per message at 1,500 msg/s
        // (docs/benchmarks.md).
        enableAutoPipelining: true,
      })
    : null;
  sharedRedis?.on('error', (err) => log.warn({ err }, 'shared redis error'));
  return sharedRedis;
}

function tokenService(config: ServerConfig): TokenService {
  return withVerifiedTokenCache(
    createTokenService({
      jwtSecret: config.jwtSecret ?? embeddedJwtSecret(config.database.dataDir),
      previousSecrets: config.jwtPreviousSecrets ?? [],
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
      refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
    }),
  );
}

/** Start-up waits for a dependency that is still coming up (as in a compose start) for a while. */
async function waitUntilReachable(ping: () => Promise<void>, what: string, log: Logger, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await ping();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what} unreachable`, { cause: err });
      if (attempt > 0 && attempt % 10 === 0) log.warn({ err, what }, 'waiting for dependency');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
