import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { backends, startTestServer } from './harness';

/*
 * After a start or a deploy, the first burst of sends must not open the database pool and prepare
 * the send statement connection by connection: that is done before the server says it is ready.
 */
describe.runIf(backends.includes('cluster'))('warm start (cluster)', () => {
  it('has every pool connection and the writer open, the send statement run on each, before it is ready', async () => {
    const t = await startTestServer('cluster');
    const url = t.config.database.url ?? '';
    const look = postgres(url, {
      max: 1,
      onnotice: () => undefined,
      connection: { application_name: 'warm-check' },
    });
    try {
      expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
      const pool = await look<{ query: string }[]>`
        select query from pg_stat_activity
         where datname = current_database() and application_name = 'postgres.js'`;
      expect(pool).toHaveLength(t.config.database.poolSize);
      // The readiness probe's ping may have been the last statement of one of them.
      const warmed = pool.filter((c) => c.query.includes('pigeon_send_batch'));
      expect(warmed.length).toBeGreaterThanOrEqual(t.config.database.poolSize - 1);
      // The writer, the send batch's own connection outside the pool, is open and warm too.
      const writer = await look<{ query: string }[]>`
        select query from pg_stat_activity
         where datname = current_database() and application_name = 'pigeon-writer'`;
      expect(writer).toHaveLength(1);
      expect(writer[0]?.query).toContain('pigeon_send_batch');
    } finally {
      await look.end();
      await t.close();
    }
  });
});
