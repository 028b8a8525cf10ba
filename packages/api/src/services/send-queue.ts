import type { Database } from '@pigeon/db';
import type { Message, SendMessageInput } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { isConnectionError } from '../connection-errors';
import type { Outbox } from '../core/changes';
import { RetryAfter } from '../rate-limits';
import { sendMessages, type SendJob, type SendOutcome } from './send-batch';

export interface SendQueueOptions {
  /** Transactions writing sends at once; more only wait on the same locks and connections. */
  maxInFlight?: number;
  /** Sends per transaction at most (default `DEFAULT_MAX_BATCH`). */
  maxBatch?: number;
  /**
   * Sends waiting for a transaction at most; one more is refused with TOO_MANY_REQUESTS at once,
   * so past saturation senders hear "busy" instead of waiting seconds in a growing queue.
   */
  maxWaiting?: number;
  /** Told the size of every batch written (for metrics). */
  onBatch?: (size: number) => void;
}

export interface SendResult {
  message: Message;
  /** False when a retry was answered with the message stored by an earlier send. */
  isNew: boolean;
}

interface Waiting extends SendJob {
  /** Where this send's events go once its batch has committed. */
  outbox: Outbox;
  resolve(result: SendResult): void;
  reject(error: unknown): void;
}

/**
 * One full batch: at the batch rates measured (docs/benchmarks.md) a send waits well under a
 * second before its transaction starts, and a burst of a few hundred sends still queues.
 */
export const DEFAULT_MAX_WAITING = 1024;

/**
 * Big enough to drain a backlog: with one transaction at a time, the batch size caps what an
 * instance can store per second, and at 256 a backlog built in the first second after a start
 * took 6–9 s to drain at 2,000 msg/s (sends refused meanwhile); at 1024, 2 s and none refused
 * (docs/benchmarks.md). Below saturation batches stay far smaller than either.
 */
export const DEFAULT_MAX_BATCH = 1024;

const busy = () =>
  new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: 'The server is busy storing other messages. Nothing was stored: send again shortly.',
    // A queue drains in well under a second; one second is the smallest Retry-After there is.
    cause: new RetryAfter(1),
  });

/**
 * Group commit for sends. While transactions are in flight, new sends wait here and go
 * together into the next one, so under load the cost of a transaction (round trips, the
 * commit's flush to disk) is shared by many messages, and with no load a send goes at once.
 */
export class SendQueue {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  private readonly maxWaiting: number;
  private readonly onBatch: (size: number) => void;

  constructor(
    private readonly db: Database,
    options: SendQueueOptions = {},
  ) {
    // One transaction at a time measured best (docs/benchmarks.md): sends arriving meanwhile
    // make the next batch bigger, and more transactions would only queue on the same rows.
    this.maxInFlight = options.maxInFlight ?? 1;
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    this.maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING;
    this.onBatch = options.onBatch ?? (() => undefined);
  }

  /**
   * Resolves after commit with the stored message; its events are in `outbox` by then. Rejects
   * at once with TOO_MANY_REQUESTS, storing nothing, when `maxWaiting` sends already wait.
   */
  send(senderId: string, input: SendMessageInput, outbox: Outbox): Promise<SendResult> {
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(busy());
    return new Promise((resolve, reject) => {
      this.waiting.push({ senderId, input, outbox, resolve, reject });
      this.pump();
    });
  }

  /** Sends waiting for a transaction (not yet in one). */
  get queued(): number {
    return this.waiting.length;
  }

  private pump() {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      void this.write(batch).then((answer) => {
        // The database is free once the batch has committed: the next batch is queued now, and
        // postgres.js sends its statement from a setImmediate of its own, queued before the one
        // below. So PostgreSQL writes and flushes the next batch while this process answers this
        // one (acknowledgements, events, publishes: the bulk of its CPU per message), instead of
        // the two taking turns. Still one transaction at a time. Per-user event order holds:
        // this batch's answers are all handed out before the next batch's result can arrive
        // (it needs a round trip to the database, i.e. a later turn of the event loop).
        this.inFlight--;
        this.pump();
        setImmediate(answer);
      });
    }
  }

  /**
   * Writes a batch and returns what answers its sends, without answering them yet. Never
   * rejects: a failure becomes each send's own answer.
   */
  private async write(batch: Waiting[]): Promise<() => void> {
    let outcomes: SendOutcome[];
    try {
      outcomes = await sendMessages(this.db, batch);
      this.onBatch(batch.length);
    } catch (error) {
      // No database: every send fails alike, at once (SERVICE_UNAVAILABLE), without a retry each.
      if (batch.length === 1 || isConnectionError(error))
        return () => batch.forEach((job) => job.reject(error));
      // One send must not fail the others: the batch is written again in halves, in order, down to
      // the send that fails alone. For one bad send in a batch of n that is about 2·log2(n)
      // statements, where one per send took seconds for a full batch.
      const half = Math.ceil(batch.length / 2);
      const first = await this.write(batch.slice(0, half));
      const second = await this.write(batch.slice(half));
      return () => {
        first();
        second();
      };
    }
    return () =>
      outcomes.forEach((outcome, i) => {
        const job = batch[i];
        if (!job) return;
        if (!outcome.ok) {
          job.reject(outcome.error);
          return;
        }
        job.outbox.committed(outcome.deliveries);
        job.resolve({ message: outcome.message, isNew: outcome.deliveries.length > 0 });
      });
  }
}
