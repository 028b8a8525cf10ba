import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blocks, createDb, friendships, users, type Database, type DbHandle } from '@pigeon/db';
import { createScratchDatabase } from '@pigeon/db/testing';
import { createFilesystemStore, type FileStore } from '@pigeon/media';
import type { StreamEvent } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll } from 'vitest';
import { Outbox, type ChangeScope } from '../../src/core/changes';
import type { Logger } from '../../src/core/types';
import { currentEventId, openEventStream, readEventsAfter } from '../../src/core/event-log';
import { hashPassword } from '../../src/services/passwords';

/** Always PGlite; PostgreSQL too when DATABASE_URL names a server (as CI does). */
export const backends = process.env.DATABASE_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const);
export type Backend = (typeof backends)[number];

/** A migrated database of one test file's own, and ways to put people in it. */
export interface World {
  db: Database;
  /**
   * What a procedure call hands a service that writes: the database and an outbox of its own,
   * the file store (a directory of the world's own) and a silent log.
   */
  call(): ChangeScope & { files: FileStore; log: Logger };
  files: FileStore;
  /** A new user with an event stream, under a unique name starting with `name`. */
  user(name?: string, password?: string): Promise<string>;
  befriend(a: string, b: string): Promise<void>;
  block(blocker: string, blocked: string): Promise<void>;
  /** The user's stream position now. */
  head(userId: string): Promise<number>;
  /** The user's stored events after `afterId` (all of them by default), in id order. */
  events(userId: string, afterId?: number): Promise<StreamEvent[]>;
}

async function openWorld(backend: Backend): Promise<{ world: World; close: () => Promise<void> }> {
  let handle: DbHandle;
  let dropScratch: (() => Promise<void>) | undefined;
  if (backend === 'postgres' && process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL);
    dropScratch = scratch.drop;
    handle = createDb({ databaseUrl: scratch.url, maxConnections: 8 });
  } else {
    handle = createDb({ dataDir: 'memory://' });
  }
  await handle.migrate();
  const db = handle.db;
  const filesDir = await mkdtemp(join(tmpdir(), 'pigeon-world-files-'));
  const files = createFilesystemStore({ root: filesDir });
  const log: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const world: World = {
    db,
    files,
    call: () => ({ db, outbox: new Outbox(), files, log }),
    async user(name = 'user', password) {
      const passwordHash = password === undefined ? 'x' : await hashPassword(password);
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(users)
          .values({ username: `${name}_${randomUUID().slice(0, 8)}`, passwordHash })
          .returning({ id: users.id });
        if (!row) throw new Error('no user');
        await openEventStream(tx, row.id);
        return row.id;
      });
    },
    async befriend(a, b) {
      await db.insert(friendships).values([
        { userId: a, friendId: b },
        { userId: b, friendId: a },
      ]);
    },
    async block(blocker, blocked) {
      await db.insert(blocks).values({ blockerId: blocker, blockedId: blocked });
    },
    head: (userId) => currentEventId(db, userId),
    events: (userId, afterId = 0) => readEventsAfter(db, userId, afterId, 10_000),
  };
  return {
    world,
    async close() {
      await handle.close();
      await dropScratch?.();
      await rm(filesDir, { recursive: true, force: true });
    },
  };
}

/** Opens a world before the file's tests and closes it after them; call the result inside a test. */
export function useWorld(backend: Backend): () => World {
  let opened: Awaited<ReturnType<typeof openWorld>> | undefined;
  beforeAll(async () => {
    opened = await openWorld(backend);
  });
  afterAll(() => opened?.close());
  return () => {
    if (!opened) throw new Error('the world is not open yet');
    return opened.world;
  };
}

/** How a promise settled: the tRPC error's code and message, or `fulfilled`. */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'fulfilled';
  } catch (err) {
    if (err instanceof TRPCError) return `${err.code}: ${err.message}`;
    throw err;
  }
}

/** The types of a list of events, for compact expectations. */
export const types = (events: readonly { type: string }[]) => events.map((e) => e.type);
