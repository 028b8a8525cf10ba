import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, preparedQueryOf, writerQueryOf, type DbHandle } from '../src';
import { createScratchDatabase, rowsOf } from '../src/testing';

// With a parameter: postgres.js sends a statement without any as a simple query, never prepared.
const probe = 'insert into warm_probe (pid) select pg_backend_pid() where $1::integer = 1';

describe.runIf(process.env.DATABASE_URL)('warm (postgres)', () => {
  const poolSize = 3;
  let handle: DbHandle;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.DATABASE_URL ?? '');
    handle = createDb({ databaseUrl: scratch.url, maxConnections: poolSize });
    await handle.migrate();
  });
  afterAll(async () => {
    await handle.close();
    await scratch.drop();
  });

  it('opens every pool connection and runs each statement on each, prepared', async () => {
    // The probe table is made on a connection of its own, so the pool is still empty here.
    const setup = createDb({ databaseUrl: scratch.url, maxConnections: 1 });
    await setup.db.execute(sql`create table warm_probe (pid integer not null)`);
    await setup.close();

    expect(await handle.warm([{ text: probe, params: [1] }])).toEqual({
      warmed: poolSize + 1,
      connections: poolSize + 1,
    });

    // The pool's connections and the writer's, each once.
    const ran = rowsOf<{ pid: number }>(await handle.db.execute(sql`select distinct pid from warm_probe`));
    const open = rowsOf<{ pid: number; name: string }>(
      await handle.db.execute(sql`select pid, application_name as name from pg_stat_activity
        where datname = current_database() and backend_type = 'client backend'`),
    );
    expect(ran.map((r) => r.pid).sort()).toEqual(open.map((r) => r.pid).sort());
    expect(ran).toHaveLength(poolSize + 1);
    expect(open.filter((c) => c.name === 'pigeon-writer')).toHaveLength(1);

    // Each connection (three at once, each held a moment) already holds the statement prepared.
    const seen = (await Promise.all(
      Array.from({ length: poolSize }, () =>
        preparedQueryOf(handle.db)(
          `select pg_backend_pid() as pid, pg_sleep(0.2)::text as slept,
                  array(select statement from pg_prepared_statements where $1::integer = 1) as prepared`,
          [1],
        ),
      ),
    )) as { pid: number; prepared: string[] }[][];
    expect(new Set(seen.map(([row]) => row?.pid)).size).toBe(poolSize);
    for (const [row] of seen) expect(row?.prepared).toContain(probe);
  });

  it('runs the writer’s statements on its own connection, never on the pool’s', async () => {
    const pidOf = async (run: typeof preparedQueryOf) =>
      (
        (await run(handle.db)('select pg_backend_pid() as pid where $1::integer = 1', [1])) as {
          pid: number;
        }[]
      )[0]?.pid;
    // Many at once: a pool would spread them over its connections, the writer has one.
    const writerPids = new Set(await Promise.all(Array.from({ length: 6 }, () => pidOf(writerQueryOf))));
    expect(writerPids.size).toBe(1);
    const [writerPid] = [...writerPids];
    const [row] = rowsOf<{ name: string }>(
      await handle.db.execute(
        sql`select application_name as name from pg_stat_activity where pid = ${writerPid}`,
      ),
    );
    expect(row?.name).toBe('pigeon-writer');
    const poolPids = await Promise.all(Array.from({ length: 6 }, () => pidOf(preparedQueryOf)));
    expect(poolPids).not.toContain(writerPid);
  });
});

describe('warm (pglite)', () => {
  it('runs each statement once on its one connection', async () => {
    const handle = createDb({ dataDir: 'memory://' });
    try {
      await handle.migrate();
      await handle.db.execute(sql`create table warm_probe (pid integer not null)`);
      await handle.warm([{ text: probe, params: [1] }]);
      const rows = rowsOf<{ n: number }>(
        await handle.db.execute(sql`select count(*)::int as n from warm_probe`),
      );
      expect(rows[0]?.n).toBe(1);
    } finally {
      await handle.close();
    }
  });
});
