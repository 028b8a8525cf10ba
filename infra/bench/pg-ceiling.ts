import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';

/**
 * The same durable write as one `messages.send` (membership and friendship reads, the message
 * insert, the conversation pointer, the locked stream heads, one event per member), run by
 * pgbench straight against PostgreSQL: the ceiling the server's throughput is a fraction of.
 */
const SCRIPT = `
\\set i random(1, :pairs)
SELECT a, b, c FROM bench_pairs WHERE i = :i \\gset
BEGIN;
SELECT m.user_id, k.kind FROM conversation_members m JOIN conversations k ON k.id = m.conversation_id WHERE m.conversation_id = :c;
SELECT 1 FROM friendships WHERE user_id = :a AND friend_id = :b;
INSERT INTO messages (conversation_id, sender_id, client_id, body) VALUES (:c, :a, gen_random_uuid(), 'bench') RETURNING id AS mid \\gset
UPDATE conversations SET last_message_id = :mid, last_message_at = now() WHERE id = :c AND (last_message_id IS NULL OR last_message_id < :mid);
SELECT user_id FROM event_streams WHERE user_id IN (:a, :b) ORDER BY user_id FOR UPDATE;
WITH heads AS (UPDATE event_streams SET last_seq = last_seq + 1 WHERE user_id IN (:a, :b) RETURNING user_id, last_seq)
  INSERT INTO events (user_id, seq, type, payload) SELECT user_id, last_seq, 'message.created', '{"v":1,"type":"message.created"}'::jsonb FROM heads;
COMMIT;
`;

export async function postgresCeiling(opts: {
  databaseUrl: string;
  pairs: { a: string; b: string; conversationId: string }[];
  seconds: number;
  clients: number;
}): Promise<{ tps: number; latencyMs: number; output: string }> {
  const sql = postgres(opts.databaseUrl, { max: 1, onnotice: () => undefined });
  await sql`create table if not exists bench_pairs (i int primary key, a uuid, b uuid, c uuid)`;
  await sql`truncate bench_pairs`;
  for (const [index, p] of opts.pairs.entries()) {
    await sql`insert into bench_pairs values (${index + 1}, ${p.a}, ${p.b}, ${p.conversationId})`;
  }
  await sql.end();
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-pgbench-'));
  const script = join(dir, 'send.sql');
  writeFileSync(script, SCRIPT);
  const url = new URL(opts.databaseUrl);
  const pgbench = ['/usr/lib/postgresql/15/bin/pgbench', 'pgbench'].find(
    (bin) => spawnSync(bin, ['--version']).status === 0,
  );
  if (!pgbench) throw new Error('pgbench not found');
  const run = spawnSync(
    pgbench,
    [
      '-n',
      '-M',
      'prepared',
      '-f',
      script,
      '-D',
      `pairs=${opts.pairs.length}`,
      '-c',
      String(opts.clients),
      '-j',
      '2',
      '-T',
      String(opts.seconds),
      '-h',
      url.hostname,
      '-p',
      url.port || '5432',
      '-U',
      decodeURIComponent(url.username || 'postgres'),
      url.pathname.slice(1),
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`pgbench failed: ${run.stderr}`);
  const tps = Number(/tps = ([\d.]+)/.exec(run.stdout)?.[1] ?? NaN);
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(run.stdout)?.[1] ?? NaN);
  return { tps, latencyMs, output: run.stdout };
}
