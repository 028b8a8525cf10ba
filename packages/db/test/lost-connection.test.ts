// What the database client does when PostgreSQL ends a connection under a query (a restart, a
// failover, an administrator), with the patched postgres.js (patches/postgres@3.4.9.patch).
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../src/testing';

describe.runIf(process.env.DATABASE_URL)('a connection lost under a query (postgres)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.DATABASE_URL ?? '');
  });
  afterAll(async () => {
    await scratch.drop();
  });

  it('fails the query in flight with the server’s reason, and the next query on a new connection goes through', async () => {
    const client = postgres(scratch.url, { max: 1, onnotice: () => undefined });
    const admin = postgres(scratch.url, { max: 1, onnotice: () => undefined });
    try {
      const [{ pid } = { pid: 0 }] = await client<{ pid: number }[]>`select pg_backend_pid() as pid`;
      const slow = client`select pg_sleep(30)`.then(
        () => 'answered',
        (error: unknown) => error,
      );
      await expect
        .poll(async () => {
          const [row] = await admin`select 1 from pg_stat_activity where pid = ${pid} and state = 'active'`;
          return row !== undefined;
        })
        .toBe(true);
      await admin`select pg_terminate_backend(${pid})`;

      expect(await slow).toMatchObject({ code: '57P01' });
      // Unpatched, the server's last words stayed behind and failed this query too, before the
      // new connection had even sent it.
      const [next] = await client<{ pid: number }[]>`select pg_backend_pid() as pid`;
      expect(next?.pid).not.toBe(pid);
    } finally {
      await Promise.all([client.end(), admin.end()]);
    }
  });
});
