import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../src';
import { rowsOf, seedAccounts, seedFriends } from '../src/testing';

/**
 * The embedded database's ANALYZE and VACUUM (src/maintenance.ts), on a real PGlite: PostgreSQL's
 * own bookkeeping (pg_class, pg_stats, pg_stat_user_tables) says whether they ran. Without them a
 * PGlite database never gets statistics nor loses a dead row version, however long it runs.
 */
let handle: DbHandle;
let alice = '';
let chat = '';
const otherAccounts = 2_000;

interface TableState {
  reltuples: number;
  statsColumns: number;
  deadRows: number;
  analyzed: boolean;
  vacuumed: boolean;
}

async function state(table: string): Promise<TableState> {
  // The backend hands its row counts to the shared statistics at the end of a statement.
  await handle.db.execute(sql`select pg_stat_force_next_flush()`);
  const [row] = rowsOf<Record<string, unknown>>(
    await handle.db.execute(sql`
      select c.reltuples, s.n_dead_tup, s.last_analyze is not null as analyzed,
             s.last_vacuum is not null as vacuumed,
             (select count(*) from pg_stats p where p.schemaname = 'public' and p.tablename = ${table}) as columns
        from pg_class c join pg_stat_user_tables s on s.relid = c.oid
       where s.schemaname = 'public' and s.relname = ${table}`),
  );
  return {
    reltuples: Number(row?.reltuples),
    statsColumns: Number(row?.columns),
    deadRows: Number(row?.n_dead_tup),
    analyzed: row?.analyzed === true,
    vacuumed: row?.vacuumed === true,
  };
}

/** What every send batch does to the small hot tables: one new version of a row per batch. */
async function touchHotRows(times: number) {
  for (let n = 0; n < times; n++) {
    await handle.db.execute(sql`update conversations set last_message_at = now() where id = ${chat}`);
    await handle.db.execute(sql`update event_streams set last_seq = last_seq + 1 where user_id = ${alice}`);
  }
}

beforeAll(async () => {
  handle = createDb({ dataDir: 'memory://' });
  await handle.migrate();
  ({ alice, chat } = await seedFriends(handle.db));
  // Enough accounts and chats that their tables pass ten pages: smaller ones are left alone.
  await seedAccounts(handle.db, otherAccounts);
  await handle.db.execute(sql`
    insert into conversations (kind, direct_key)
    select 'direct', 'pair' || g from generate_series(1, ${otherAccounts}) g`);
  await handle.db.execute(sql`
    insert into messages (conversation_id, sender_id, client_id, body)
    select ${chat}, ${alice}, gen_random_uuid(), 'message ' || g from generate_series(1, 20000) g`);
  await touchHotRows(100);
}, 60_000);
afterAll(() => handle.close());

describe('embedded database maintenance', () => {
  it('leaves the planner without statistics and the dead rows in place when it has not run', async () => {
    const messages = await state('messages');
    expect(messages).toMatchObject({ reltuples: -1, statsColumns: 0, analyzed: false });
    expect((await state('conversations')).deadRows).toBeGreaterThan(0);
  });

  it('does nothing once its signal is aborted', async () => {
    const aborted = new AbortController();
    aborted.abort();
    expect(await handle.maintain?.('all', aborted.signal)).toEqual([]);
    expect((await state('messages')).analyzed).toBe(false);
  });

  it('analyzes and vacuums every table on its first run, one statement each', async () => {
    const steps = (await handle.maintain?.('all')) ?? [];
    for (const table of ['public.messages', 'public.conversations', 'public.event_streams']) {
      expect(steps).toContainEqual({ command: 'analyze', table, ms: expect.any(Number) as number });
      expect(steps).toContainEqual({ command: 'vacuum', table, ms: expect.any(Number) as number });
    }
    // All the ANALYZEs come before the first VACUUM: statistics are what a start lacks most.
    const commands = steps.map((step) => step.command);
    expect(commands.lastIndexOf('analyze')).toBeLessThan(commands.indexOf('vacuum'));

    const messages = await state('messages');
    expect(messages.reltuples).toBe(20000);
    expect(messages.statsColumns).toBeGreaterThan(0);
    expect(messages).toMatchObject({ analyzed: true, vacuumed: true });
    for (const hot of ['conversations', 'event_streams'])
      expect(await state(hot)).toMatchObject({ deadRows: 0, analyzed: true, vacuumed: true });
  });

  it('leaves a table under ten pages alone: the planner keeps taking it for ten pages', async () => {
    const steps = (await handle.maintain?.('all')) ?? [];
    expect(steps.map((step) => step.table)).toContain('public.messages');
    expect(steps.map((step) => step.table)).not.toContain('public.friendships');
    expect(await state('friendships')).toMatchObject({ reltuples: -1, analyzed: false, vacuumed: false });
  });

  it('then takes only the tables past autovacuum’s thresholds: a hot one, not a grown history', async () => {
    // A new version of every stream row (a message to every account), past autovacuum's 50 + 20 %
    // of the table's rows. (Single rows updated again and again are pruned within their page and
    // never pass it, as in PostgreSQL.)
    await handle.db.execute(sql`update event_streams set last_seq = last_seq + 1`);
    await handle.db.execute(sql`
      insert into messages (conversation_id, sender_id, client_id, body)
      select ${chat}, ${alice}, gen_random_uuid(), 'later ' || g from generate_series(1, 100) g`);
    expect((await state('event_streams')).deadRows).toBeGreaterThan(50 + 0.2 * (otherAccounts + 2));

    const steps = (await handle.maintain?.('due')) ?? [];
    expect(steps).toContainEqual({
      command: 'vacuum',
      table: 'public.event_streams',
      ms: expect.any(Number) as number,
    });
    // 100 new messages of 20,100: neither statistics nor a vacuum are due there yet.
    expect(steps.map((step) => step.table)).not.toContain('public.messages');
    expect((await state('event_streams')).deadRows).toBe(0);
  });
});

describe.runIf(process.env.DATABASE_URL)('maintenance on PostgreSQL', () => {
  it('is left to autovacuum: the handle has none', async () => {
    const postgresHandle = createDb({ databaseUrl: process.env.DATABASE_URL });
    expect(postgresHandle.maintain).toBeUndefined();
    await postgresHandle.close();
  });
});
