// Data migrations, proven on a database that holds rows of the shape they rewrite: migrated up
// to the migration before, given old rows, then migrated to the end.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../src';

const scratch = mkdtempSync(join(tmpdir(), 'pigeon-migrations-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Journal {
  entries: { idx: number; tag: string }[];
}

/** A copy of the migrations folder that stops just before `tag`. */
function migrationsBefore(tag: string): string {
  const dir = join(scratch, `before-${tag}`);
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as Journal;
  const at = journal.entries.findIndex((entry) => entry.tag === tag);
  if (at < 0) throw new Error(`no migration ${tag}`);
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return dir;
}

describe('0019_message_events_attachments', () => {
  it('gives messages in events stored before attachments an empty list, and touches nothing else', async () => {
    const client = new PGlite();
    const db = drizzle(client);
    try {
      await migrate(db, { migrationsFolder: migrationsBefore('0019_message_events_attachments') });
      await client.query(
        `insert into users (id, username, email, password_hash) values ('00000000-0000-4000-8000-000000000001', 'old_timer', 'old@example.com', 'x')`,
      );
      const old = (type: string, seq: number, message: object) =>
        client.query(`insert into events (user_id, seq, type, payload) values ($1, $2, $3, $4)`, [
          '00000000-0000-4000-8000-000000000001',
          seq,
          type,
          JSON.stringify({ v: 1, type, message }),
        ]);
      await old('message.created', 1, { id: '1', body: 'from before' });
      await old('message.updated', 2, { id: '1', body: 'edited before' });
      await old('message.created', 3, { id: '2', body: 'already has one', attachments: [{ id: 'a' }] });
      await client.query(
        `insert into events (user_id, seq, type, payload) values ($1, 4, 'friend.added', $2)`,
        [
          '00000000-0000-4000-8000-000000000001',
          JSON.stringify({ v: 1, type: 'friend.added', user: { id: 'u' } }),
        ],
      );

      await migrate(db, { migrationsFolder });

      const { rows } = await client.query<{ seq: number; payload: Record<string, unknown> }>(
        'select seq, payload from events order by seq',
      );
      const messageOf = (seq: number) => rows.find((r) => r.seq === seq)?.payload.message;
      expect(messageOf(1)).toEqual({ id: '1', body: 'from before', attachments: [] });
      expect(messageOf(2)).toEqual({ id: '1', body: 'edited before', attachments: [] });
      expect(messageOf(3)).toEqual({ id: '2', body: 'already has one', attachments: [{ id: 'a' }] });
      expect(rows.find((r) => r.seq === 4)?.payload).toEqual({
        v: 1,
        type: 'friend.added',
        user: { id: 'u' },
      });
    } finally {
      await client.close();
    }
  });
});
