import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../src';
import { rowsOf } from '../src/testing';

/**
 * The hot queries must walk an index, never the whole table. The data set is small, so the
 * planner is told sequential scans are expensive; a query without a usable index still gets
 * a Seq Scan and fails.
 */
let handle: DbHandle;

async function plan(query: ReturnType<typeof sql>): Promise<string> {
  await handle.db.execute(sql`set enable_seqscan = off`);
  const result = await handle.db.execute(sql`explain ${query}`);
  const rows = rowsOf<Record<string, string>>(result);
  return rows.map((r) => Object.values(r)[0]).join('\n');
}

beforeAll(async () => {
  handle = createDb({ dataDir: 'memory://' });
  await handle.migrate();
  await handle.db.execute(sql`
    insert into users (id, username, display_name, password_hash)
    select ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'user' || g, 'Person ' || g, 'x'
    from generate_series(1, 500) g`);
  await handle.db.execute(sql`analyze`);
});
afterAll(() => handle.close());

const someone = '00000000-0000-4000-8000-000000000001';

describe('query plans', () => {
  it.each([
    [
      'history page',
      sql`select * from messages where conversation_id = ${someone}::uuid and id < 1000 order by id desc limit 51`,
      'messages_conversation_id_idx',
    ],
    [
      'username prefix search',
      sql`select id from users where lower(username) ~>=~ 'user1' and lower(username) ~<~ ('user1' || chr(127)) order by lower(username) using ~<~ limit 21`,
      'users_username_lower_key',
    ],
    [
      'people search by username or display name',
      sql`select id from users where (lower(username) ~>=~ 'pers' and lower(username) ~<~ ('pers' || chr(127))) or (display_name is not null and lower(display_name) ~>=~ lower('Pers') and lower(display_name) ~<~ (lower('Pers') || chr(1114111))) order by lower(username) using ~<~ limit 21`,
      'users_display_name_lower_idx',
    ],
    ['login lookup', sql`select * from users where lower(username) = 'user7'`, 'users_username_lower_key'],
    [
      'event replay',
      sql`select seq, payload from events where user_id = ${someone}::uuid and seq > 10 order by seq limit 500`,
      'events_user_id_seq_pk',
    ],
    [
      'unread count',
      sql`select 1 from messages where conversation_id = ${someone}::uuid and id > 5 and sender_id <> ${someone}::uuid limit 100`,
      'messages_conversation_id_idx',
    ],
    [
      'message search',
      sql`select id from messages where to_tsvector('simple', body) @@ websearch_to_tsquery('simple', 'zebra')`,
      'messages_body_search_idx',
    ],
    [
      'idempotent send lookup',
      sql`select * from messages where sender_id = ${someone}::uuid and client_id = ${someone}::uuid`,
      'messages_sender_client_id_key',
    ],
    [
      'my conversations',
      sql`select conversation_id from conversation_members where user_id = ${someone}::uuid`,
      'conversation_members_user_idx',
    ],
    [
      'incoming requests',
      sql`select * from friend_requests where to_user_id = ${someone}::uuid and status = 'pending' order by created_at desc`,
      'friend_requests_to_pending_idx',
    ],
    [
      'refresh lookup',
      sql`select * from sessions where refresh_token_hash = 'abc'`,
      'sessions_refresh_token_hash_key',
    ],
  ])('%s uses its index', async (_name, query, index) => {
    const text = await plan(query);
    expect(text).toContain(index);
    expect(text).not.toMatch(/Seq Scan/);
  });
});

describe('timestamps', () => {
  it('are all stored with their time zone', async () => {
    const result = await handle.db.execute(sql`
      select table_name, column_name, data_type from information_schema.columns
      where table_schema = 'public' and data_type like 'timestamp%'`);
    const rows = rowsOf<{
      table_name: string;
      column_name: string;
      data_type: string;
    }>(result);
    expect(rows.length).toBeGreaterThan(5);
    const naive = rows.filter((r) => r.data_type !== 'timestamp with time zone');
    expect(naive.map((r) => `${r.table_name}.${r.column_name}`)).toEqual([]);
  });
});

describe('the message search index', () => {
  it('takes each message’s words at once: no pending list for one send batch to merge', async () => {
    const result = await handle.db.execute(
      sql`select array_to_string(reloptions, ',') as options from pg_class where relname = 'messages_body_search_idx'`,
    );
    const rows = rowsOf<{
      options: string;
    }>(result);
    expect(rows[0]?.options).toMatch(/^fastupdate=(off|false)$/);
  });
});
