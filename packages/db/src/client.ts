import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { embeddedStartParams, prepareEmbeddedDataDir } from './embedded';
import * as tables from './tables';

export type Tables = typeof tables;
/** The one database type the services see, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Tables>;

export interface DbHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** A cheap round trip, for readiness checks. */
  ping(): Promise<void>;
  /**
   * Opens every connection of the pool and runs each statement once on each, as a prepared
   * statement: after a start, the first requests find connections open and their hot statements
   * parsed (postgres.js prepares per connection, PostgreSQL compiles a PL/pgSQL function per
   * backend) instead of paying that in the first burst. The statements must change nothing.
   * Best effort: a connection PostgreSQL refuses (max_connections) is left to open later, as
   * before; resolves to how many connections were warmed.
   */
  warm(statements: readonly WarmStatement[]): Promise<{ warmed: number; poolSize: number }>;
  close(): Promise<void>;
}

/**
 * A hot statement with parameters that make it a no-op, run on each connection by `warm`. It needs
 * at least one parameter: postgres.js runs a statement without any as a simple query, unprepared.
 */
export interface WarmStatement {
  text: string;
  params: readonly (string | number | null)[];
}

export interface CreateDbOptions {
  /** postgres:// URL. When absent, an embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` keeps it in memory. */
  dataDir?: string | undefined;
  /** Pool size for postgres.js. */
  maxConnections?: number | undefined;
}

/**
 * packages/db/migrations beside these sources; in the server's bundle (apps/server/build.ts),
 * this code lives in dist/ and the build copies the folder to dist/migrations.
 */
export const migrationsFolder =
  ['../migrations', './migrations']
    .map((path) => fileURLToPath(new URL(path, import.meta.url)))
    .find((dir) => existsSync(dir)) ?? fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * One fixed statement run as a prepared statement on postgres.js (parsed once per connection, one
 * round trip each time: drizzle's unnamed queries with parameters cost two, a Describe first) or
 * as a plain query on PGlite. Rows come back as objects, json/jsonb already parsed.
 */
export type PreparedQuery = (text: string, params: readonly (string | number | null)[]) => Promise<unknown[]>;

const preparedQueries = new WeakMap<object, PreparedQuery>();

/** Gives `db` (and objects made from it with Object.create) a prepared-statement runner. */
export function registerPreparedQuery(db: Database, run: PreparedQuery): void {
  preparedQueries.set(db, run);
}

/** The prepared-statement runner of a database made by `createDb`. */
export function preparedQueryOf(db: Database): PreparedQuery {
  for (let o: object | null = db; o; o = Object.getPrototypeOf(o) as object | null) {
    const run = preparedQueries.get(o);
    if (run) return run;
  }
  throw new Error('This database was not made by createDb: it has no prepared-statement runner.');
}

/**
 * Before `createDb` in embedded mode: a new data directory is created in a child process, so
 * this one never holds the memory initdb took (see embedded.ts).
 */
export function prepareDataDir(dataDir: string): Promise<void> {
  return prepareEmbeddedDataDir(dataDir);
}

/** Any fixed number; every Pigeon instance takes the same lock before migrating. */
const MIGRATION_LOCK_ID = 0x70_69_67_6e; // "pign"

export function createDb(options: CreateDbOptions = {}): DbHandle {
  return options.databaseUrl
    ? createPostgresDb(options.databaseUrl, options.maxConnections ?? 10)
    : createPgliteDb(options.dataDir ?? './.pigeon-data');
}

/**
 * Seconds before a pool connection tries again after a failed one. postgres.js's default grows
 * as 3ⁿ/100 s up to 20 s, and n counts failures across the whole pool: a five-second outage
 * left the pool waiting up to 20 s more after the database was back. Doubling from 50 ms up
 * to half a second (with jitter, so a pool's connections spread out) follows the database
 * within a second of its return, while a pool of ten makes at most ~20 attempts a second
 * against a database that is down (each a refused or reset connection, no query).
 */
export function reconnectDelaySeconds(failures: number): number {
  return Math.min(0.05 * 2 ** failures, 0.5) * (0.75 + Math.random() / 4);
}

/** How long a new connection may take: not the driver's 30 s, which parks requests that long. */
const CONNECT_TIMEOUT_SECONDS = 5;

function createPostgresDb(url: string, max: number): DbHandle {
  const client = postgres(url, {
    max,
    onnotice: () => undefined,
    backoff: reconnectDelaySeconds,
    connect_timeout: CONNECT_TIMEOUT_SECONDS,
  });
  const db = drizzlePostgres(client, { schema: tables });
  registerPreparedQuery(db, (text, params) => client.unsafe(text, [...params], { prepare: true }));
  return {
    db,
    kind: 'postgres',
    async migrate() {
      // Drizzle's migrator takes no lock, so instances starting together would race. A session
      // advisory lock on a single dedicated connection serialises them; the losers then find
      // nothing left to apply.
      const lockClient = postgres(url, { max: 1, onnotice: () => undefined });
      try {
        await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migratePostgres(drizzlePostgres(lockClient), { migrationsFolder });
        await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
      } finally {
        await lockClient.end();
      }
    },
    async ping() {
      await client`select 1`;
    },
    async warm(statements) {
      // Holding `max` reserved connections at once makes the pool open all of them; each
      // reserved connection keeps its prepared statements when it goes back to the pool.
      const attempts = await Promise.allSettled(Array.from({ length: max }, () => client.reserve()));
      const reserved = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []));
      try {
        await Promise.all(
          reserved.map(async (connection) => {
            for (const { text, params } of statements)
              await connection.unsafe(text, [...params], { prepare: true });
          }),
        );
      } finally {
        for (const connection of reserved) connection.release();
      }
      return { warmed: reserved.length, poolSize: max };
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

function createPgliteDb(dataDir: string): DbHandle {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  // A directory made beforehand by prepareEmbeddedDataDir opens without initdb in this process.
  const client = new PGlite(dataDir, { startParams: embeddedStartParams() });
  const db = drizzlePglite(client, { schema: tables });
  registerPreparedQuery(db, async (text, params) => (await client.query(text, [...params])).rows);
  return {
    db,
    kind: 'pglite',
    async migrate() {
      // PGlite lives inside this process: nobody else can migrate it at the same time.
      await migratePglite(db, { migrationsFolder });
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async warm(statements) {
      // One connection inside this process: nothing to open; running them once compiles them.
      for (const { text, params } of statements) await client.query(text, [...params]);
      return { warmed: 1, poolSize: 1 };
    },
    async close() {
      await client.close();
    },
  };
}
