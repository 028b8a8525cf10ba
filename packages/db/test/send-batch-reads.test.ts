import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../src';
import { rowsOf, seedAccounts, seedFriends } from '../src/testing';

/**
 * What one send batch reads of the tables that grow with a deployment, counted by PostgreSQL
 * itself for the transaction (pg_stat_xact_user_tables). The connection's plans for
 * pigeon_send_batch are made while the tables are small and kept while they grow: without
 * autovacuum (PGlite here, or a server with it off) nothing tells the planner, so a statement that
 * joins one of them can end up reading all of it on every batch. A batch must read no row of
 * `messages` for new sends and its own row by the index for a retry, and of `event_streams` and
 * `attachments` only the rows it names, by key, however many accounts and uploads there are.
 */
let handle: DbHandle;
let alice = '';
let chat = '';
const otherAccounts = 3_000;

interface TableReads {
  seqRead: number;
  indexFetched: number;
}
type Reads = Record<'messages' | 'event_streams' | 'attachments', TableReads>;

interface Send {
  clientId: string;
  attachments?: string[];
}

async function sendBatch(sends: readonly Send[]): Promise<{ answers: unknown[]; reads: Reads }> {
  const batch = JSON.stringify(
    sends.map(({ clientId, attachments }) => ({
      s: alice,
      c: chat,
      k: clientId,
      b: `hello ${clientId}`,
      r: null,
      ...(attachments ? { a: attachments } : {}),
    })),
  );
  return handle.db.transaction(async (tx) => {
    // The view also holds counts of earlier transactions not yet flushed to the statistics
    // (PostgreSQL 15): the batch's reads are the difference around its call.
    const before = await tableReads(tx);
    const [answer] = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`select pigeon_send_batch(${batch}::jsonb, 100) as answers`),
    );
    const after = await tableReads(tx);
    const readsOf = (table: keyof Reads): TableReads => ({
      seqRead: after[table].seqRead - before[table].seqRead,
      indexFetched: after[table].indexFetched - before[table].indexFetched,
    });
    return {
      answers: answer?.answers as unknown[],
      reads: {
        messages: readsOf('messages'),
        event_streams: readsOf('event_streams'),
        attachments: readsOf('attachments'),
      },
    };
  });
}

async function tableReads(tx: Pick<DbHandle['db'], 'execute'>): Promise<Reads> {
  const tables = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      select relname, seq_tup_read, idx_tup_fetch from pg_stat_xact_user_tables
       where relname in ('messages', 'event_streams', 'attachments')`),
  );
  const of = (table: string): TableReads => {
    const row = tables.find((t) => t.relname === table);
    return { seqRead: Number(row?.seq_tup_read ?? 0), indexFetched: Number(row?.idx_tup_fetch ?? 0) };
  };
  return { messages: of('messages'), event_streams: of('event_streams'), attachments: of('attachments') };
}

const newSends = (n: number): Send[] => Array.from({ length: n }, () => ({ clientId: randomUUID() }));

async function upload(uploader: string): Promise<string> {
  const [row] = rowsOf<{ id: string }>(
    await handle.db.execute(sql`
      insert into attachments (uploader_id, name, size, content_type, kind, original_key)
      values (${uploader}, 'photo.png', 100, 'image/png', 'image', ${`originals/${randomUUID()}`})
      returning id`),
  );
  return row?.id ?? '';
}

async function setUp(maintainWhileSmall: boolean) {
  handle = createDb({ dataDir: 'memory://' });
  await handle.migrate();
  ({ alice, chat } = await seedFriends(handle.db));
  // Plans are cached per connection and turn generic after five runs: make them on small tables,
  // with and without an upload.
  for (let run = 0; run < 8; run++) {
    await sendBatch(newSends(2));
    await sendBatch([{ clientId: randomUUID(), attachments: [await upload(alice)] }]);
  }
  // The embedded server's upkeep a minute after a new start, when every table is still tiny.
  if (maintainWhileSmall) await handle.maintain?.('all');
  for (let run = 0; run < 8; run++) await sendBatch(newSends(2));
  // Then the deployment grows with nothing telling the planner (no ANALYZE, as without
  // autovacuum): history, other accounts with their streams, and uploads on messages, many alice's.
  await handle.db.execute(sql`
    insert into messages (conversation_id, sender_id, client_id, body)
    select ${chat}, ${alice}, gen_random_uuid(), 'older ' || g from generate_series(1, 20000) g`);
  await seedAccounts(handle.db, otherAccounts);
  await handle.db.execute(sql`
    insert into attachments (uploader_id, name, size, content_type, kind, original_key, message_id,
                             conversation_id, position, attached_at)
    select u.id, 'old.png', 100, 'image/png', 'image', 'originals/' || gen_random_uuid(),
           (select min(id) from messages), ${chat}::uuid, g, now()
      from users u cross join generate_series(1, 2) g
    union all
    select ${alice}::uuid, 'mine.png', 100, 'image/png', 'image', 'originals/' || gen_random_uuid(),
           (select min(id) from messages), ${chat}::uuid, g, now()
      from generate_series(1, 2000) g`);
}

describe.each([
  { upkeep: 'no statistics (autovacuum off)', maintainWhileSmall: false },
  { upkeep: 'the embedded upkeep run while the tables were tiny', maintainWhileSmall: true },
])('a send batch on a grown deployment, after $upkeep', ({ maintainWhileSmall }) => {
  beforeAll(() => setUp(maintainWhileSmall), 120_000);
  afterAll(() => handle.close());

  it('reads no row of messages and only its recipients of event_streams to store and answer new sends', async () => {
    const { answers, reads } = await sendBatch(newSends(10));
    expect(answers).toHaveLength(10);
    expect(answers.every((a) => typeof a === 'object' && a !== null && 'm' in a)).toBe(true);
    expect(reads.messages).toEqual({ seqRead: 0, indexFetched: 0 });
    expect(reads.attachments).toEqual({ seqRead: 0, indexFetched: 0 });
    // Two recipients: each locked, then its head moved (a fetch of each row per statement).
    expect(reads.event_streams.seqRead).toBe(0);
    expect(reads.event_streams.indexFetched).toBeLessThanOrEqual(4);
  });

  it('answers a retry from its stored message through the index, not by reading the table', async () => {
    const clientId = randomUUID();
    const first = await sendBatch([{ clientId }]);
    const stored = (first.answers[0] as { m: { id: number } }).m.id;
    const again = await sendBatch([{ clientId }, { clientId: randomUUID() }]);
    expect(again.answers[0]).toEqual({ retry: stored });
    expect(again.answers[1]).toHaveProperty('m');
    expect(again.reads.messages.seqRead).toBe(0);
    // The insert's conflict check finds it, then the answer reads it: by index, one row each.
    expect(again.reads.messages.indexFetched).toBeLessThanOrEqual(2);
  });

  it('reads the uploads a send carries by their ids, not every upload', async () => {
    const photos = [await upload(alice), await upload(alice)];
    const { answers, reads } = await sendBatch([{ clientId: randomUUID(), attachments: photos }]);
    const message = (answers[0] as { m: { attachments: { id: string }[] } }).m;
    expect(message.attachments.map((a) => a.id)).toEqual(photos);
    expect(reads.attachments.seqRead).toBe(0);
    // Locked, checked, attached and described: a handful of fetches of each of the two rows (10
    // now), where a scan of the table reads its thousands.
    expect(reads.attachments.indexFetched).toBeLessThanOrEqual(6 * photos.length);
  });
});
