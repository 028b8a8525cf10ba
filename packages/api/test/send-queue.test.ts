import { randomUUID } from 'node:crypto';
import { createDb, eventStreams, events, friendships, messages, users, type DbHandle } from '@pigeon/db';
import { createScratchDatabase } from '@pigeon/db/testing';
import { codeOf } from '@pigeon/test-utils';
import { asc, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionError } from '../src/connection-errors';
import { Outbox } from '../src/core/changes';
import { openDirectConversation } from '../src/services/direct-conversations';
import { DEFAULT_MAX_BATCH, SendQueue } from '../src/services/send-queue';

const drivers = process.env.DATABASE_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

describe.each(drivers)('group commit of sends (%s)', (driver) => {
  let handle: DbHandle;
  let dropScratch: (() => Promise<void>) | undefined;
  let scratchUrl = '';
  beforeAll(async () => {
    if (driver === 'postgres' && process.env.DATABASE_URL) {
      const scratch = await createScratchDatabase(process.env.DATABASE_URL);
      dropScratch = scratch.drop;
      scratchUrl = scratch.url;
      // Four writer connections: one test runs four batches at once.
      handle = createDb({ databaseUrl: scratch.url, maxConnections: 8, writerConnections: 4 });
    } else {
      handle = createDb({ dataDir: 'memory://' });
    }
    await handle.migrate();
  });
  afterAll(async () => {
    await handle.close();
    await dropScratch?.();
  });

  async function user(name: string) {
    const [row] = await handle.db
      .insert(users)
      .values({ username: `${name}_${randomUUID().slice(0, 8)}`, passwordHash: 'x' })
      .returning();
    if (!row) throw new Error('no user');
    await handle.db.insert(eventStreams).values({ userId: row.id });
    return row.id;
  }

  async function friends(a: string, b: string) {
    await handle.db.insert(friendships).values([
      { userId: a, friendId: b },
      { userId: b, friendId: a },
    ]);
    return (await openDirectConversation(handle.db, a, b)).id;
  }

  it('gives every send of a mixed batch its own answer, and stores only the accepted ones', async () => {
    const [a, b, c, stranger] = await Promise.all([user('a'), user('b'), user('c'), user('x')]);
    const ab = await friends(a, b);
    const cb = await friends(c, b);
    await handle.db.delete(friendships).where(eq(friendships.userId, c)); // c and b fall out
    await handle.db.delete(friendships).where(eq(friendships.friendId, c));
    const queue = new SendQueue(handle.db, { maxInFlight: 1, maxBatch: 100 });

    const reused = randomUUID();
    const plan = [
      { sender: a, input: { conversationId: ab, body: 'one', clientId: randomUUID() }, expect: 'ok' },
      {
        sender: stranger,
        input: { conversationId: ab, body: 'no', clientId: randomUUID() },
        expect: 'NOT_FOUND',
      },
      { sender: c, input: { conversationId: cb, body: 'no', clientId: randomUUID() }, expect: 'FORBIDDEN' },
      { sender: a, input: { conversationId: ab, body: 'twice', clientId: reused }, expect: 'ok' },
      { sender: a, input: { conversationId: ab, body: 'twice', clientId: reused }, expect: 'ok' },
      { sender: b, input: { conversationId: ab, body: 'two', clientId: randomUUID() }, expect: 'ok' },
      {
        sender: a,
        input: { conversationId: randomUUID(), body: 'nowhere', clientId: randomUUID() },
        expect: 'NOT_FOUND',
      },
    ];
    // A first send occupies the only transaction slot, so the rest queue up and commit together.
    const first = queue.send(a, { conversationId: ab, body: 'first', clientId: randomUUID() }, new Outbox());
    const sends = plan.map((p) => ({ ...p, outbox: new Outbox() }));
    const outboxes = sends.map((s) => s.outbox);
    const pending = sends.map((s) => queue.send(s.sender, s.input, s.outbox));
    const results = await Promise.allSettled(pending);
    await first;

    expect(await Promise.all(pending.map(codeOf))).toEqual(plan.map((p) => p.expect));
    const [r3, r4] = [results[3], results[4]];
    if (r3?.status !== 'fulfilled' || r4?.status !== 'fulfilled') throw new Error('unreachable');
    expect(r4.value.message).toEqual(r3.value.message); // the duplicate is answered as a retry
    expect(outboxes[4]?.take().deliveries).toEqual([]);
    expect(
      outboxes[3]
        ?.take()
        .deliveries.map((d) => d.userId)
        .sort(),
    ).toEqual([a, b].sort());

    const stored = await handle.db.select().from(messages).where(eq(messages.conversationId, ab));
    expect(stored.map((m) => m.body).sort()).toEqual(['first', 'one', 'twice', 'two'].sort());
    expect(await handle.db.select().from(messages).where(eq(messages.conversationId, cb))).toEqual([]);

    // A clientId reused for another conversation is a conflict, not a silent second message.
    const ad = await friends(a, await user('d'));
    expect(
      await codeOf(queue.send(a, { conversationId: ad, body: 'x', clientId: reused }, new Outbox())),
    ).toBe('CONFLICT');
  });

  it('writes a batch that failed again in halves: the one bad send fails alone, the others are stored in order', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const ab = await friends(a, b);
    const committed: number[] = [];
    const queue = new SendQueue(handle.db, {
      maxInFlight: 1,
      maxBatch: 100,
      onBatch: (n) => committed.push(n),
    });
    const first = queue.send(a, { conversationId: ab, body: 'first', clientId: randomUUID() }, new Outbox());
    // A NUL character cannot be stored (the schema refuses it before the queue, this test does
    // not): it fails the whole statement, as a fault of one send would.
    const bad = 40;
    const bodies = Array.from({ length: 64 }, (_, i) => (i === bad ? 'nul \u0000 here' : `m${i}`));
    const results = await Promise.allSettled(
      bodies.map((body) => queue.send(a, { conversationId: ab, body, clientId: randomUUID() }, new Outbox())),
    );
    await first;

    expect(results.map((r) => r.status)).toEqual(
      bodies.map((_, i) => (i === bad ? 'rejected' : 'fulfilled')),
    );
    const stored = await handle.db
      .select({ body: messages.body })
      .from(messages)
      .where(eq(messages.conversationId, ab))
      .orderBy(asc(messages.id));
    expect(stored.map((m) => m.body)).toEqual(['first', ...bodies.filter((_, i) => i !== bad)]);
    // The 63 good sends went in a few halves (32, 8, 1, 2, 4, 16), not one transaction each.
    expect(committed.slice(1).sort((x, y) => x - y)).toEqual([1, 2, 4, 8, 16, 32]);
  });

  // PGlite runs inside this process: it has no connection to lose.
  it.runIf(driver === 'postgres')(
    'fails every send of a batch at once when its database connection is lost, writing no halves',
    async () => {
      const [a, b, c] = await Promise.all([user('a'), user('b'), user('c')]);
      const [ab, ac] = await Promise.all([friends(a, b), friends(a, c)]);
      const committed: number[] = [];
      // Connections of its own: the one it loses is none of the other tests' business.
      const own = createDb({ databaseUrl: scratchUrl, maxConnections: 2 });
      const queue = new SendQueue(own.db, { maxInFlight: 1, onBatch: (n) => committed.push(n) });
      const admin = postgres(scratchUrl, { max: 4, onnotice: () => undefined });
      // Other transactions hold the conversations' rows, so a batch waits on their lock, where its
      // backend is terminated as a database restart would.
      const holdRow = async (conversationId: string) => {
        let release: () => void = () => undefined;
        const held = new Promise<void>((resolve) => (release = resolve));
        let locked: () => void = () => undefined;
        const taken = new Promise<void>((resolve) => (locked = resolve));
        const done = admin.begin(async (tx) => {
          await tx`select 1 from conversations where id = ${conversationId} for update`;
          locked();
          await held;
        });
        await taken;
        return async () => {
          release();
          await done;
        };
      };
      const waitingOnLock = async () => {
        for (let tries = 0; tries < 400; tries++) {
          const [row] = await admin<{ pid: number }[]>`
            select pid from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`;
          if (row) return row.pid;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        throw new Error('no batch waited on the lock');
      };
      const releaseAc = await holdRow(ac);
      const releaseAb = await holdRow(ab);

      try {
        const send = (conversationId: string, body: string) =>
          queue.send(a, { conversationId, body, clientId: randomUUID() }, new Outbox());
        // A first send takes the queue's one transaction and waits; ten sends gather behind it.
        const first = send(ac, 'first');
        const settled = Promise.allSettled(Array.from({ length: 10 }, (_, i) => send(ab, `m${i}`)));
        await waitingOnLock();
        await releaseAc();
        await first;
        // The ten leave as one batch, wait on the second row, and lose their connection there.
        const pid = await waitingOnLock();
        await admin`select pg_terminate_backend(${pid})`;
        // Halves written from now on would find the row free and be stored.
        await releaseAb();
        const results = await settled;

        expect(results.map((r) => r.status)).toEqual(Array<string>(10).fill('rejected'));
        for (const r of results) {
          expect(r.status === 'rejected' && isConnectionError(r.reason)).toBe(true);
        }
        expect(committed).toEqual([1]);
        const stored = await handle.db.select().from(messages).where(eq(messages.conversationId, ab));
        expect(stored).toEqual([]);
        // The next send goes over a new connection, and nothing of the lost one's error is left to
        // fail it (postgres.js kept the server's last words for the next query: patched).
        expect(await codeOf(send(ab, 'after'))).toBe('ok');
      } finally {
        await Promise.allSettled([releaseAc(), releaseAb()]);
        await Promise.all([admin.end(), own.close()]);
      }
    },
  );

  it('refuses sends past its bound with TOO_MANY_REQUESTS at once, storing none of them', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const ab = await friends(a, b);
    const queue = new SendQueue(handle.db, { maxInFlight: 1, maxWaiting: 5 });
    const send = (body: string) =>
      queue.send(a, { conversationId: ab, body, clientId: randomUUID() }, new Outbox());

    // The first takes the only transaction slot; five wait behind it; the rest find the queue full.
    const pending = Array.from({ length: 12 }, (_, i) => send(`m${i}`));
    const codes = await Promise.all(pending.map(codeOf));
    expect(codes).toEqual([...Array<string>(6).fill('ok'), ...Array<string>(6).fill('TOO_MANY_REQUESTS')]);
    const refused = await pending[11]?.catch((error: unknown) => error);
    expect(refused instanceof Error ? refused.message : refused).toMatch(/busy.*Nothing was stored/);

    const stored = await handle.db.select().from(messages).where(eq(messages.conversationId, ab));
    expect(stored.map((m) => m.body).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);

    // Once drained, the queue takes sends again.
    expect(await codeOf(send('after'))).toBe('ok');
  });

  it('starts the next batch before answering the one that committed, and answers in commit order', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const ab = await friends(a, b);
    const queue = new SendQueue(handle.db, { maxInFlight: 1, maxBatch: 3 });
    // Every delivery handed to an outbox, in the order the queue hands them out.
    const handedOut: { userId: string; id: number }[] = [];
    class RecordingOutbox extends Outbox {
      override committed(deliveries: Parameters<Outbox['committed']>[0]) {
        for (const d of deliveries) handedOut.push({ userId: d.userId, id: d.event.id });
        super.committed(deliveries);
      }
    }
    const send = (body: string) =>
      queue.send(a, { conversationId: ab, body, clientId: randomUUID() }, new RecordingOutbox());

    const first = send('first');
    const rest = Array.from({ length: 10 }, (_, i) => send(`m${i}`));
    expect(queue.queued).toBe(10);
    // When the first send is answered, the next batch (the first three waiting) has already
    // left the queue: the database does not wait for this process to hand out answers. (PGlite
    // answers within the same turn of the event loop, so more batches may be gone by then.)
    const queuedWhenAnswered = await first.then(() => queue.queued);
    expect(queuedWhenAnswered).toBeLessThanOrEqual(7);
    await Promise.all(rest);

    // Each member's events were handed out in stream order, batch after batch.
    for (const userId of [a, b]) {
      const ids = handedOut.filter((d) => d.userId === userId).map((d) => d.id);
      expect(ids).toHaveLength(11);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    }
  });

  it('by default writes a backlog of a thousand sends in one transaction, so a backlog drains at once', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const ab = await friends(a, b);
    const sizes: number[] = [];
    const queue = new SendQueue(handle.db, { onBatch: (size) => sizes.push(size) });

    // The first send starts a transaction at once; the rest queue behind it meanwhile.
    const answers = await Promise.all(
      Array.from({ length: DEFAULT_MAX_BATCH + 1 }, (_, i) =>
        queue.send(a, { conversationId: ab, body: `m${i}`, clientId: randomUUID() }, new Outbox()),
      ),
    );

    expect(sizes).toEqual([1, DEFAULT_MAX_BATCH]);
    expect(DEFAULT_MAX_BATCH).toBeGreaterThanOrEqual(1000);
    expect(new Set(answers.map((answer) => answer.message.id)).size).toBe(DEFAULT_MAX_BATCH + 1);
  });

  it('keeps each user’s events gapless and in message order per conversation across concurrent batches', async () => {
    const hub = await user('hub');
    const others = await Promise.all([1, 2, 3, 4].map((n) => user(`o${n}`)));
    const conversations = await Promise.all(others.map((o) => friends(hub, o)));
    const queue = new SendQueue(handle.db, { maxInFlight: 4, maxBatch: 7 });

    const sends = Array.from({ length: 120 }, (_, i) => {
      const index = i % others.length;
      const [sender, conversationId] =
        i % 2 ? [hub, conversations[index]] : [others[index], conversations[index]];
      if (!sender || !conversationId) throw new Error('unreachable');
      return queue.send(sender, { conversationId, body: `m${i}`, clientId: randomUUID() }, new Outbox());
    });
    const answers = await Promise.all(sends);
    expect(new Set(answers.map((a) => a.message.id)).size).toBe(120);

    // The hub is in every conversation: its stream holds all 120 with gapless ids, and within each
    // conversation the messages arrive in id order (the order every member sees in history).
    const stream = await handle.db
      .select({ seq: events.seq, payload: events.payload })
      .from(events)
      .where(eq(events.userId, hub))
      .orderBy(asc(events.seq));
    const created = stream.flatMap((e) => (e.payload.type === 'message.created' ? [e.payload.message] : []));
    expect(created).toHaveLength(120);
    expect(stream.map((e) => e.seq)).toEqual(stream.map((_, i) => i + 1));
    for (const conversationId of conversations) {
      const ids = created.filter((m) => m.conversationId === conversationId).map((m) => m.id);
      expect(ids).toHaveLength(30);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    }
  });
});

/*
 * The rule the send statement must keep: members (and friendships) are read after the
 * conversation's lock, in a statement of its own. A send that waited for the lock while a
 * membership change committed must see that change. Two connections are needed, so PostgreSQL only
 * (PGlite has one).
 */
describe.runIf(process.env.DATABASE_URL)('a send waiting on a membership change (postgres)', () => {
  let handle: DbHandle;
  let admin: postgres.Sql;
  let dropScratch: () => Promise<void>;
  beforeAll(async () => {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL ?? '');
    dropScratch = scratch.drop;
    handle = createDb({ databaseUrl: scratch.url, maxConnections: 4 });
    await handle.migrate();
    admin = postgres(scratch.url, { max: 2, onnotice: () => undefined });
  });
  afterAll(async () => {
    await admin.end();
    await handle.close();
    await dropScratch();
  });

  async function pair() {
    const ids: string[] = [];
    for (const name of ['a', 'b']) {
      const [row] = await handle.db
        .insert(users)
        .values({ username: `${name}_${randomUUID().slice(0, 8)}`, passwordHash: 'x' })
        .returning();
      if (!row) throw new Error('no user');
      await handle.db.insert(eventStreams).values({ userId: row.id });
      ids.push(row.id);
    }
    const [a, b] = ids as [string, string];
    await handle.db.insert(friendships).values([
      { userId: a, friendId: b },
      { userId: b, friendId: a },
    ]);
    return { a, b, conversationId: (await openDirectConversation(handle.db, a, b)).id };
  }

  /** Runs `change` while holding the conversation's lock, and sends from `a` meanwhile. */
  async function sendDuring(
    a: string,
    conversationId: string,
    change: (tx: postgres.TransactionSql) => Promise<unknown>,
  ) {
    const queue = new SendQueue(handle.db);
    let code: Promise<string | undefined> | undefined;
    await admin.begin(async (tx) => {
      await tx`select 1 from conversations where id = ${conversationId} for update`;
      await change(tx);
      // Its refusal is read at once: the send's answer may arrive before the COMMIT's is handled,
      // and a rejection nobody holds yet counts as unhandled.
      code = codeOf(queue.send(a, { conversationId, body: 'late', clientId: randomUUID() }, new Outbox()));
      // Commit only once the send is waiting for the lock.
      for (let waited = 0; ; waited += 20) {
        const [row] = await admin`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`;
        if ((row?.n as number) > 0) break;
        if (waited > 20_000) throw new Error('the send never waited for the lock');
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    return code;
  }

  it('is refused as NOT_FOUND when its sender left while it waited', async () => {
    const { a, conversationId } = await pair();
    const code = await sendDuring(
      a,
      conversationId,
      (tx) =>
        tx`delete from conversation_members where conversation_id = ${conversationId} and user_id = ${a}`,
    );
    expect(code).toBe('NOT_FOUND');
    expect(
      await handle.db.select().from(messages).where(eq(messages.conversationId, conversationId)),
    ).toEqual([]);
  });

  it('is refused as FORBIDDEN when the friendship ended while it waited', async () => {
    const { a, b, conversationId } = await pair();
    const code = await sendDuring(
      a,
      conversationId,
      (tx) => tx`delete from friendships where user_id in (${a}, ${b})`,
    );
    expect(code).toBe('FORBIDDEN');
  });

  it('goes through when nothing changed while it waited', async () => {
    const { a, conversationId } = await pair();
    expect(await sendDuring(a, conversationId, () => Promise.resolve())).toBe('ok');
  });
});
