import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../src';
import { createScratchDatabase, rowsOf, seedPair } from '../src/testing';

/**
 * Send batches take turns across the whole database (migration 0023): each instance of a cluster
 * has its own writer, and overlapping batches cost PostgreSQL half as much again per message. Two
 * batches for two unrelated conversations share no row, so only that turn can make one wait.
 */
describe.runIf(process.env.DATABASE_URL)('send batches from two writers (postgres)', () => {
  let handle: DbHandle;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let writers: postgres.Sql[] = [];
  const pairs: { sender: string; chat: string }[] = [];
  const pair = (i: number) => {
    const found = pairs[i];
    if (!found) throw new Error(`no pair ${i}`);
    return found;
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.DATABASE_URL ?? '');
    handle = createDb({ databaseUrl: scratch.url });
    await handle.migrate();
    for (const [a, b] of [
      ['alice', 'bob'],
      ['carol', 'dave'],
    ] as const) {
      const { first, chat } = await seedPair(handle.db, a, b);
      pairs.push({ sender: first, chat });
    }
    writers = [postgres(scratch.url, { max: 1 }), postgres(scratch.url, { max: 1 })];
  });
  afterAll(async () => {
    await Promise.all(writers.map((w) => w.end()));
    await handle.close();
    await scratch.drop();
  });

  const batchOf = (pair: { sender: string; chat: string }, body: string) =>
    JSON.stringify([{ s: pair.sender, c: pair.chat, k: randomUUID(), b: body, r: null }]);

  const waitingOnTheTurn = async () =>
    Number(
      rowsOf<{ n: string }>(
        await handle.db.execute(
          sql`select count(*) as n from pg_locks where locktype = 'advisory' and not granted`,
        ),
      )[0]?.n ?? 0,
    );

  it('runs the second batch only after the first has committed, and stores both', async () => {
    const [first, second] = writers as [postgres.Sql, postgres.Sql];
    let releaseFirst: () => void = () => undefined;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstStored: () => void = () => undefined;
    const firstInside = new Promise<void>((resolve) => (firstStored = resolve));

    // The first batch's transaction stays open until told: its turn is held meanwhile.
    const firstDone = first.begin(async (tx) => {
      await tx.unsafe('select pigeon_send_batch($1::text::jsonb, 100)', [batchOf(pair(0), 'first')]);
      firstStored();
      await firstHeld;
    });
    await firstInside;

    let secondFinished = false;
    const secondDone = second
      .unsafe('select pigeon_send_batch($1::text::jsonb, 100) as answers', [batchOf(pair(1), 'second')])
      .then((rows) => {
        secondFinished = true;
        return rows;
      });

    try {
      // The second waits on the turn, not on any row.
      const deadline = Date.now() + 10_000;
      while ((await waitingOnTheTurn()) === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(await waitingOnTheTurn()).toBe(1);
      expect(secondFinished).toBe(false);
    } finally {
      releaseFirst();
      await firstDone;
    }
    const [answer] = await secondDone;
    expect((answer?.answers as { m?: { body: string } }[])[0]?.m?.body).toBe('second');

    const bodies = rowsOf<{ body: string }>(
      await handle.db.execute(sql`select body from messages order by id`),
    ).map((m) => m.body);
    expect(bodies).toEqual(['first', 'second']);
  });

  it('lets one writer through without waiting', async () => {
    const [first] = writers as [postgres.Sql, postgres.Sql];
    const [answer] = await first.unsafe('select pigeon_send_batch($1::text::jsonb, 100) as answers', [
      batchOf(pair(0), 'alone'),
    ]);
    expect((answer?.answers as { m?: { body: string } }[])[0]?.m?.body).toBe('alone');
    expect(await waitingOnTheTurn()).toBe(0);
  });
});
