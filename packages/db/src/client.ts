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
  close(): Promise<void>;
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

/** Any fixed number; every Pigeon instance takes the same lock before migrating. */
const MIGRATION_LOCK_ID = 0x70_69_67_6e; // "pign"

export function createDb(options: CreateDbOptions = {}): DbHandle {
  return options.databaseUrl
    ? createPostgresDb(options.databaseUrl, options.maxConnections ?? 10)
    : createPgliteDb(options.dataDir ?? './.pigeon-data');
}

function createPostgresDb(url: string, max: number): DbHandle {
  const client = postgres(url, { max, onnotice: () => undefined });
  const db = drizzlePostgres(client, { schema: tables });
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
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

function createPgliteDb(dataDir: string): DbHandle {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  const db = drizzlePglite(client, { schema: tables });
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
    async close() {
      await client.close();
    },
  };
}
