import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../src';
import { rowsOf } from '../src/testing';

/**
 * What one send batch reads of `messages`, counted by PostgreSQL itself for the transaction
 * (pg_stat_xact_user_tables). The connection's plans for pigeon_send_batch are made while the
 * table is small and kept while it grows: without autovacuum (PGlite here, or a server with it
 * off) nothing tells the planner, so a statement that joins `messages` can end up reading all of
 * it on every batch. A batch of new sends must read no row of it; a retry, its own row by the index.
 */
let handle: DbHandle;
const alice = randomUUID();
const bob = randomUUID();
const chat = randomUUID();

interface Reads {
  answers: unknown[];
  seqRead: number;
  indexFetched: number;
}

async function sendBatch(clientIds: readonly string[]): Promise<Reads> {
  const batch = JSON.stringify(clientIds.map((k) => ({ s: alice, c: chat, k, b: `hello ${k}`, r: null })));
  return handle.db.transaction(async (tx) => {
    const [answer] = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`select pigeon_send_batch(${batch}::jsonb, 100) as answers`),
    );
    const [reads] = rowsOf<Record<string, unknown>>(
      await tx.execute(
        sql`select seq_tup_read, idx_tup_fetch from pg_stat_xact_user_tables where relname = 'messages'`,
      ),
    );
    return {
      answers: answer?.answers as unknown[],
      seqRead: Number(reads?.seq_tup_read),
      indexFetched: Number(reads?.idx_tup_fetch),
    };
  });
}

beforeAll(async () => {
  handle = createDb({ dataDir: 'memory://' });
  await handle.migrate();
  await handle.db.execute(sql`
    insert into users (id, username, password_hash) values (${alice}, 'alice', 'x'), (${bob}, 'bob', 'x')`);
  await handle.db.execute(sql`insert into event_streams (user_id) values (${alice}), (${bob})`);
  await handle.db.execute(
    sql`insert into friendships (user_id, friend_id) values (${alice}, ${bob}), (${bob}, ${alice})`,
  );
  await handle.db.execute(
    sql`insert into conversations (id, kind, direct_key) values (${chat}, 'direct', 'alice:bob')`,
  );
  await handle.db.execute(
    sql`insert into conversation_members (conversation_id, user_id) values (${chat}, ${alice}), (${chat}, ${bob})`,
  );
  // Plans are cached per connection and turn generic after five runs: make them on a small table.
  for (let run = 0; run < 8; run++) await sendBatch([randomUUID(), randomUUID()]);
  // Then history grows with nothing telling the planner (no ANALYZE, as without autovacuum).
  await handle.db.execute(sql`
    insert into messages (conversation_id, sender_id, client_id, body)
    select ${chat}, ${alice}, gen_random_uuid(), 'older ' || g from generate_series(1, 20000) g`);
}, 60_000);
afterAll(() => handle.close());

describe('a send batch on a grown history', () => {
  it('reads no row of messages to store and answer new sends', async () => {
    const reads = await sendBatch(Array.from({ length: 10 }, () => randomUUID()));
    expect(reads.answers).toHaveLength(10);
    expect(reads.answers.every((a) => typeof a === 'object' && a !== null && 'm' in a)).toBe(true);
    expect({ seqRead: reads.seqRead, indexFetched: reads.indexFetched }).toEqual({
      seqRead: 0,
      indexFetched: 0,
    });
  });

  it('answers a retry from its stored message through the index, not by reading the table', async () => {
    const clientId = randomUUID();
    const first = await sendBatch([clientId]);
    const stored = (first.answers[0] as { m: { id: number } }).m.id;
    const again = await sendBatch([clientId, randomUUID()]);
    expect(again.answers[0]).toEqual({ retry: stored });
    expect(again.answers[1]).toHaveProperty('m');
    expect(again.seqRead).toBe(0);
    // The insert's conflict check finds it, then the answer reads it: by index, one row each.
    expect(again.indexFetched).toBeLessThanOrEqual(2);
  });
});
