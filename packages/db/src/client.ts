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
import { pgliteMaintenance, type Maintain } from './maintenance';
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
   * Opens every connection of the pool and the writer's and runs each statement once on each, as
   * a prepared statement: after a start, the first requests find connections open and their hot statements
   * parsed (postgres.js prepares per connection, PostgreSQL compiles a PL/pgSQL function per
   * backend) instead of paying that in the first burst. The statements must change nothing.
   * Best effort: a connection PostgreSQL refuses (max_connections) is left to open later, as
   * before; resolves to how many connections were warmed, of how many there are.
   */
  warm(statements: readonly WarmStatement[]): Promise<{ warmed: number; connections: number }>;
  /**
   * ANALYZE and VACUUM, on the embedded database only (see maintenance.ts): PGlite never runs
   * autovacuum. Absent on PostgreSQL, whose autovacuum does it.
   */
  maintain?: Maintain;
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
  /**
   * Connections of the writer (see `writerQueryOf`), outside the pool: as many as statements the
   * writer runs at once (the send queue's transactions in flight). Default 1.
   */
  writerConnections?: number | undefined;
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

interface Runners {
  pooled: PreparedQuery;
  writer: PreparedQuery;
}

const runners = new WeakMap<object, Runners>();

/**
 * Gives `db` (and objects made from it with Object.create) a prepared-statement runner on its
 * pool, and one on its writer connection (the same runner when it has none of its own).
 */
export function registerPreparedQuery(db: Database, run: PreparedQuery, writer: PreparedQuery = run): void {
  runners.set(db, { pooled: run, writer });
}

function runnersOf(db: Database): Runners {
  for (let o: object | null = db; o; o = Object.getPrototypeOf(o) as object | null) {
    const found = runners.get(o);
    if (found) return found;
  }
  throw new Error('This database was not made by createDb: it has no prepared-statement runner.');
}

/** The prepared-statement runner of a database made by `createDb`, on its pool. */
export function preparedQueryOf(db: Database): PreparedQuery {
  return runnersOf(db).pooled;
}

/**
 * The same, on the writer: connections of their own outside the pool, for the one write that
 * runs all the time (the send batch). It never waits for a pool connection behind reads, and it
 * always lands on the same warm backend, where PostgreSQL has compiled the function and cached
 * its plans; a pool spreads consecutive statements over all its connections, and each new one
 * pays that again (measured: the first batches after a start took 55–160 ms instead of 4–8,
 * docs/benchmarks.md).
 */
export function writerQueryOf(db: Database): PreparedQuery {
  return runnersOf(db).writer;
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
    ? createPostgresDb(options.databaseUrl, options.maxConnections ?? 10, options.writerConnections ?? 1)
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

function createPostgresDb(url: string, max: number, writers: number): DbHandle {
  const settings = {
    onnotice: () => undefined,
    backoff: reconnectDelaySeconds,
    connect_timeout: CONNECT_TIMEOUT_SECONDS,
  };
  const client = postgres(url, { ...settings, max });
  // Named, so that an operator can tell it from the pool in pg_stat_activity.
  const writer = postgres(url, {
    ...settings,
    max: writers,
    connection: { application_name: 'pigeon-writer' },
  });
  const db = drizzlePostgres(client, { schema: tables });
  const preparedOn = (sql: postgres.Sql) => (text: string, params: readonly (string | number | null)[]) =>
    sql.unsafe(text, [...params], { prepare: true });
  registerPreparedQuery(db, preparedOn(client), preparedOn(writer));
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
      // Holding every connection reserved at once makes each pool open all of its own; a
      // reserved connection keeps its prepared statements when it goes back.
      const attempts = await Promise.allSettled([
        ...Array.from({ length: max }, () => client.reserve()),
        ...Array.from({ length: writers }, () => writer.reserve()),
      ]);
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
      return { warmed: reserved.length, connections: max + writers };
    },
    async close() {
      await Promise.all([client.end({ timeout: 5 }), writer.end({ timeout: 5 })]);
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
      return { warmed: 1, connections: 1 };
    },
    maintain: pgliteMaintenance(client),
    async close() {
      await client.close();
    },
  };
}
