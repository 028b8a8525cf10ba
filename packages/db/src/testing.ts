import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { Database } from './client';

/** Rows of `db.execute`, whichever driver answered (postgres.js: an array; PGlite: `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

/**
 * A PostgreSQL database of its own for one test file, made from an admin URL (DATABASE_URL)
 * and dropped afterwards, so parallel and repeated runs never share state.
 */
export async function createScratchDatabase(
  adminUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `pigeon_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(adminUrl, { max: 1, onnotice: () => undefined });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** Two friends, alice and bob, with their event streams and their direct conversation. */
export async function seedFriends(db: Database): Promise<{ alice: string; bob: string; chat: string }> {
  const { first: alice, second: bob, chat } = await seedPair(db, 'alice', 'bob');
  return { alice, bob, chat };
}

/** Two friends named as given, with their event streams and their direct conversation. */
export async function seedPair(
  db: Database,
  firstName: string,
  secondName: string,
): Promise<{ first: string; second: string; chat: string }> {
  const [first, second, chat] = [randomUUID(), randomUUID(), randomUUID()];
  await db.execute(sql`
    insert into users (id, username, password_hash)
    values (${first}, ${firstName}, 'x'), (${second}, ${secondName}, 'x')`);
  await db.execute(sql`insert into event_streams (user_id) values (${first}), (${second})`);
  await db.execute(
    sql`insert into friendships (user_id, friend_id) values (${first}, ${second}), (${second}, ${first})`,
  );
  await db.execute(
    sql`insert into conversations (id, kind, direct_key) values (${chat}, 'direct', ${`${firstName}:${secondName}`})`,
  );
  await db.execute(
    sql`insert into conversation_members (conversation_id, user_id) values (${chat}, ${first}), (${chat}, ${second})`,
  );
  return { first, second, chat };
}

/** `count` more accounts, each with its event stream: tables the size of a real deployment's. */
export async function seedAccounts(db: Database, count: number): Promise<void> {
  await db.execute(sql`
    with others as (
      insert into users (username, password_hash)
      select 'user' || g, 'x' from generate_series(1, ${count}) g
      returning id
    )
    insert into event_streams (user_id) select id from others`);
}
