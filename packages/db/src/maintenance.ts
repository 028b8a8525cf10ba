import type { PGlite } from '@electric-sql/pglite';

/*
 * ANALYZE and VACUUM for the embedded database. PGlite runs PostgreSQL as a single standalone
 * backend: autovacuum is never launched, so without this nothing gives the planner statistics
 * (plans are made from page counts and kept for the life of the one connection), nothing removes
 * the dead row versions of the updates every send batch makes (`conversations`' last message,
 * `event_streams`' last_seq) beyond pruning within a page, nothing cleans indexes, sets the
 * visibility map or freezes transaction ids (a PGlite data directory that takes ~2 billion
 * transactions, one per send batch, unfrozen would stop accepting writes).
 *
 * Which tables: autovacuum's own rule, with PostgreSQL's settings (threshold + scale factor ×
 * rows: ANALYZE after 50 + 10 % changed rows, VACUUM after 50 + 20 % dead rows or 1000 + 20 %
 * inserted ones). The hot tables every batch updates (`event_streams`, `conversations`) pass it
 * when many of their rows changed (one row updated again and again is pruned within its page),
 * `messages` and `events` after growing by a tenth (ANALYZE) or a fifth (VACUUM). But PGlite loses
 * these counters (and last_analyze / last_vacuum) at every open, so what happened before this
 * process started is unknown: the first run after a start, and a periodic one, take everything.
 *
 * Tables under ten pages are left alone (unless their transaction ids must be frozen, autovacuum's
 * own anti-wraparound rule): the planner takes a table never analyzed nor vacuumed for at least ten
 * pages, and its plans for a table it has been told is tiny are kept after the table grows. An
 * ANALYZE a minute after the first start of a new server made the send batch read all of
 * `messages` and `event_streams` on every batch while the first 100,000 messages came in (sends a
 * second 1,367–1,772 against 2,117–2,267 without it; packages/db/test/send-batch-reads.test.ts).
 * A small table gains nothing from statistics, and pruning within its pages keeps it small.
 *
 * One statement per table, never one for the whole database: PGlite has one connection, and a
 * send waits for the statement in progress, not for the whole run.
 */

/** `due`: tables past autovacuum's thresholds; `all`: every table, catalogs included. */
export type MaintenanceScope = 'due' | 'all';

/** One statement of a maintenance run, and how long the connection was held for it. */
export interface MaintenanceStep {
  command: 'analyze' | 'vacuum';
  /** Schema-qualified and quoted, as run. */
  table: string;
  ms: number;
}

/** Runs the maintenance of `scope`; stops between statements once `signal` is aborted. */
export type Maintain = (scope: MaintenanceScope, signal?: AbortSignal) => Promise<MaintenanceStep[]>;

// pg_stat_all_tables: the catalogs too (ANALYZE writes pg_statistic; a VACUUM of every table is
// what advances the database's frozen transaction id). TOAST tables are vacuumed with their own.
const TABLES_DUE = `
  select name,
         not small and ($1::boolean or n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8
           + current_setting('autovacuum_analyze_scale_factor')::float8 * reltuples) as analyze,
         not small and ($1::boolean or n_dead_tup > current_setting('autovacuum_vacuum_threshold')::float8
           + current_setting('autovacuum_vacuum_scale_factor')::float8 * reltuples
           or n_ins_since_vacuum > current_setting('autovacuum_vacuum_insert_threshold')::float8
           + current_setting('autovacuum_vacuum_insert_scale_factor')::float8 * reltuples)
         or frozen_age > current_setting('autovacuum_freeze_max_age')::float8 as vacuum
    from (select format('%I.%I', s.schemaname, s.relname) as name, s.n_mod_since_analyze, s.n_dead_tup,
                 s.n_ins_since_vacuum, greatest(c.reltuples, 0) as reltuples, age(c.relfrozenxid) as frozen_age,
                 pg_relation_size(c.oid) < 10 * current_setting('block_size')::bigint as small
            from pg_stat_all_tables s join pg_class c on c.oid = s.relid
           where s.schemaname not in ('pg_toast', 'information_schema') and c.relkind in ('r', 'm')) t
   order by name`;

/** The `maintain` of a PGlite database (see above). */
export function pgliteMaintenance(client: PGlite): Maintain {
  return async (scope, signal) => {
    // This backend counts row changes in its own memory and hands them to the shared statistics
    // at most once a second, at the end of a statement: force it, so the counts read are whole.
    await client.query('select pg_stat_force_next_flush()');
    const { rows } = await client.query<{ name: string; analyze: boolean; vacuum: boolean }>(TABLES_DUE, [
      scope === 'all',
    ]);
    const steps: MaintenanceStep[] = [];
    // ANALYZE first: the planner's statistics matter most, and they are what a start lacks.
    for (const command of ['analyze', 'vacuum'] as const) {
      for (const table of rows.filter((row) => row[command]).map((row) => row.name)) {
        if (signal?.aborted) return steps;
        const started = performance.now();
        await client.query(`${command} ${table}`);
        steps.push({ command, table, ms: Math.round(performance.now() - started) });
      }
    }
    return steps;
  };
}
