import type { Maintain, MaintenanceScope, MaintenanceStep } from '@pigeon/db';
import type { Logger } from './logger';

/**
 * When the embedded database's ANALYZE and VACUUM run (what runs: packages/db/src/maintenance.ts).
 * PGlite has one connection, so sends wait for the statement in progress. Measured on a data
 * directory of 100,000 messages (200,000 events, 2-core machine): every table, just after a start,
 * 2.0 s in 170 statements, the longest ANALYZE events 0.77 s and ANALYZE messages 0.34 s, VACUUM
 * events 0.15 s; again later 0.9 s (longest 0.38 s); a check with nothing due 11 ms. Hence:
 * - every table of ten pages or more (see maintenance.ts) a minute after a start: PGlite forgets
 *   at each open which tables changed, and the planner has nothing but page counts until then;
 *   a minute lets the start's first burst pass;
 * - every minute (autovacuum's own naptime), the tables past autovacuum's thresholds: the hot ones
 *   every send batch updates, in a few milliseconds, and a big one after it grew by a tenth, so a
 *   table that grows fast is analyzed again before plans made on its old size cost much;
 * - every table daily, for what the thresholds never see: transaction ids to freeze and dead rows
 *   from before this start.
 */
export interface MaintenanceSchedule {
  firstRunMs: number;
  everyMs: number;
  everyTableEveryMs: number;
}

export const DEFAULT_MAINTENANCE_SCHEDULE: MaintenanceSchedule = {
  firstRunMs: 60_000,
  everyMs: 60_000,
  everyTableEveryMs: 24 * 60 * 60_000,
};

export interface EmbeddedMaintenance {
  /** Stops the timer; resolves once a run in progress has finished its current statement. */
  stop(): Promise<void>;
}

/**
 * Runs `maintain` on `schedule` until stopped. Runs never overlap (the next is scheduled when one
 * ends); a failed run is logged and the next one tries again.
 */
export function startEmbeddedMaintenance(
  maintain: Maintain,
  log: Logger,
  schedule: MaintenanceSchedule = DEFAULT_MAINTENANCE_SCHEDULE,
): EmbeddedMaintenance {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let nextEveryTableRun = 0;

  const run = async () => {
    const scope: MaintenanceScope = Date.now() >= nextEveryTableRun ? 'all' : 'due';
    if (scope === 'all') nextEveryTableRun = Date.now() + schedule.everyTableEveryMs;
    const started = performance.now();
    try {
      const steps = await maintain(scope, stopping.signal);
      for (const step of steps) log.debug(step, 'database maintenance step');
      const ms = Math.round(performance.now() - started);
      // The longest statement is how long a send waited at most.
      const longest = steps.reduce<MaintenanceStep | null>((a, b) => (a && a.ms >= b.ms ? a : b), null);
      const summary = { scope, statements: steps.length, ms, longest };
      if (steps.length > 0) log.info(summary, 'database maintenance');
      else log.debug(summary, 'database maintenance');
    } catch (err) {
      log.error({ err, scope }, 'database maintenance failed');
    }
  };
  const scheduleNext = (delayMs: number) => {
    timer = setTimeout(() => {
      timer = null;
      running = run().then(() => {
        if (!stopping.signal.aborted) scheduleNext(schedule.everyMs);
      });
    }, delayMs);
    // Never what keeps the process alive.
    timer.unref();
  };
  scheduleNext(schedule.firstRunMs);

  return {
    async stop() {
      stopping.abort();
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
