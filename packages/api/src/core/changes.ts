import { fileRemovals, type Database } from '@pigeon/db';
import type { FileStore } from '@pigeon/media';
import { inArray } from 'drizzle-orm';
import type { EventBus } from '../bus';
import { appendEvents, dropEventStream, type EventEntry } from './event-log';
import type { Delivery, Logger, Tx } from './types';

/*
 * The change pipeline, the one rule of every write: a change's rows and its events commit in one
 * transaction, and the bus is told only after that commit. Services write through
 * `commitChange`; the procedure builder (trpc.ts) gives every call an `Outbox` and flushes it once
 * the call is over.
 */

/**
 * What one procedure call must announce once its changes have committed: the events written to
 * users' streams, and the login sessions it ended. Only committed work is ever put in here.
 */
export class Outbox {
  private deliveries: Delivery[] = [];
  private endedSessions: string[] = [];
  private removedFiles: string[] = [];

  /** Events whose transaction has committed. */
  committed(deliveries: readonly Delivery[]): void {
    this.deliveries = this.deliveries.concat(deliveries);
  }

  /** Sessions whose end has committed: every instance must stop serving them. */
  sessionsEnded(sessionIds: readonly string[]): void {
    this.endedSessions = this.endedSessions.concat(sessionIds);
  }

  /** Stored files whose rows are gone (queued in `file_removals` by the committed change). */
  filesRemoved(keys: readonly string[]): void {
    this.removedFiles = this.removedFiles.concat(keys);
  }

  /** Everything gathered so far, handed out once. */
  take(): { deliveries: Delivery[]; endedSessions: string[]; removedFiles: string[] } {
    const taken = {
      deliveries: this.deliveries,
      endedSessions: this.endedSessions,
      removedFiles: this.removedFiles,
    };
    this.deliveries = [];
    this.endedSessions = [];
    this.removedFiles = [];
    return taken;
  }
}

/** Where a service writes: the database, and the outbox of the call it serves. */
export interface ChangeScope {
  db: Database;
  outbox: Outbox;
}

/** Appends events to users' streams inside one change's transaction. */
export interface EventWriter {
  append(entries: readonly EventEntry[]): Promise<void>;
  /** Deletes a user's whole stream (account deletion); nothing written to it is published. */
  dropStream(userId: string): Promise<void>;
}

/**
 * Runs `work` in one transaction, with `events` writing into the same transaction, so the rows
 * and their events commit together. The events reach the outbox only after the commit: a change
 * that fails or rolls back announces nothing.
 */
export async function commitChange<T>(
  scope: ChangeScope,
  work: (tx: Tx, events: EventWriter) => Promise<T>,
): Promise<T> {
  let staged: Delivery[] = [];
  const result = await scope.db.transaction((tx) =>
    work(tx, {
      async append(entries) {
        staged = staged.concat(await appendEvents(tx, entries));
      },
      async dropStream(userId) {
        await dropEventStream(tx, userId);
        staged = staged.filter((d) => d.userId !== userId);
      },
    }),
  );
  scope.outbox.committed(staged);
  return result;
}

/**
 * Rings the bus for everything a call committed, then tells every instance (this one included)
 * which sessions ended, then removes the bytes of files whose rows went. A failed publish loses
 * nothing: readers catch up from the log; a failed removal stays queued for the file sweep.
 *
 * The publishes are started, not awaited: the events are committed, and the bus hands them to
 * this instance's streams as it is called; only the copy for other instances waits for Redis, and
 * the caller's answer (a send's acknowledgement above all) need not wait for that round trip.
 * Ended sessions are still awaited: a logout is answered once every instance can hear of it.
 */
export async function flushOutbox(
  outbox: Outbox,
  deps: {
    bus: EventBus;
    log: Logger;
    sessionStatus: { forget(sessionIds: readonly string[]): void };
    db: Database;
    files: FileStore;
  },
): Promise<void> {
  const { deliveries, endedSessions, removedFiles } = outbox.take();
  if (deliveries.length > 0) {
    void Promise.allSettled(deliveries.map((d) => deps.bus.publish(d.userId, d.event))).then((results) => {
      for (const result of results) {
        if (result.status === 'rejected')
          deps.log.warn({ err: result.reason as unknown }, 'event publish failed');
      }
    });
  }
  if (endedSessions.length > 0) {
    deps.sessionStatus.forget(endedSessions);
    await deps.bus
      .announceRevokedSessions(endedSessions)
      .catch((err: unknown) => deps.log.warn({ err }, 'announcing revoked sessions failed'));
  }
  if (removedFiles.length > 0) {
    try {
      await deps.files.remove(removedFiles);
      await deps.db.delete(fileRemovals).where(inArray(fileRemovals.key, removedFiles));
    } catch (err) {
      deps.log.warn({ err, files: removedFiles.length }, 'removing files failed; the sweep retries');
    }
  }
}
