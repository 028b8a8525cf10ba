import { events, eventStreams, preparedQueryOf, type Database } from '@pigeon/db';
import type { PigeonEvent, StreamEvent } from '@pigeon/schema';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Delivery, Tx } from './types';

/** One event for one user's stream, before it has an id there. */
export interface EventEntry {
  userId: string;
  event: PigeonEvent;
}

/** Starts a new user's stream (its head at 0), in the transaction that creates the user. */
export async function openEventStream(tx: Tx, userId: string): Promise<void> {
  await tx.insert(eventStreams).values({ userId });
}

/**
 * Writes events into each recipient's stream inside the caller's transaction. The stream heads
 * are locked in a fixed order (no deadlocks), and held until commit, so each user's events
 * become visible strictly in id order.
 */
export async function appendEvents(tx: Tx, entries: readonly EventEntry[]): Promise<Delivery[]> {
  if (entries.length === 0) return [];
  const userIds = [...new Set(entries.map((e) => e.userId))].sort();
  await tx
    .select({ userId: eventStreams.userId })
    .from(eventStreams)
    .where(inArray(eventStreams.userId, userIds))
    .orderBy(asc(eventStreams.userId))
    .for('update');

  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.userId, (counts.get(entry.userId) ?? 0) + 1);
  const heads = await tx
    .update(eventStreams)
    .set({
      lastSeq: sql`${eventStreams.lastSeq} + (case ${eventStreams.userId} ${sql.join(
        [...counts].map(([id, n]) => sql`when ${id}::uuid then ${n}::bigint`),
        sql` `,
      )} end)`,
    })
    .where(inArray(eventStreams.userId, userIds))
    .returning({ userId: eventStreams.userId, lastSeq: eventStreams.lastSeq });

  // Hand out ids from the first new one upwards, in the order the entries were given.
  const next = new Map(heads.map((h) => [h.userId, h.lastSeq - (counts.get(h.userId) ?? 0) + 1]));
  const deliveries = entries.map(({ userId, event }): Delivery => {
    const id = next.get(userId);
    if (id === undefined) throw new Error(`No event stream for user ${userId}`);
    next.set(userId, id + 1);
    return { userId, event: { ...event, id } };
  });
  await tx.insert(events).values(
    deliveries.map(({ userId, event: { id, ...event } }) => ({
      userId,
      seq: id,
      type: event.type,
      payload: event,
    })),
  );
  return deliveries;
}

/** Deletes a user's stream, its events and its head (the account is being deleted). */
export async function dropEventStream(tx: Tx, userId: string): Promise<void> {
  await tx.delete(events).where(eq(events.userId, userId));
  await tx.delete(eventStreams).where(eq(eventStreams.userId, userId));
}

export async function readEventsAfter(
  db: Database,
  userId: string,
  afterId: number,
  limit: number,
): Promise<StreamEvent[]> {
  const rows = await db
    .select({ seq: events.seq, payload: events.payload })
    .from(events)
    .where(and(eq(events.userId, userId), gt(events.seq, afterId)))
    .orderBy(asc(events.seq))
    .limit(limit);
  return rows.map((row) => ({ ...row.payload, id: row.seq }));
}

export async function currentEventId(db: Database, userId: string): Promise<number> {
  const [head] = await db
    .select({ lastSeq: eventStreams.lastSeq })
    .from(eventStreams)
    .where(eq(eventStreams.userId, userId));
  return head?.lastSeq ?? 0;
}

/** Where one user's stream stands, and its events after the position asked for. */
export interface StreamReadout {
  userId: string;
  /** The stream's last id when it was read. */
  head: number;
  /** In id order, at most the limit asked for; none when no position was given. */
  events: StreamEvent[];
}

/**
 * Many users' streams in one statement (one snapshot, so `head` and `events` agree): for each
 * user, the events after the given id, or only the head when the id is `null`. Users without a
 * stream (deleted) are left out.
 */
const readStreamsStatement = `
select w.user_id as "userId",
       s.last_seq::text as head,
       coalesce((select jsonb_agg(e.payload || jsonb_build_object('id', e.seq) order by e.seq)
                   from (select seq, payload from events
                          where user_id = w.user_id and w.after is not null and seq > w.after
                          order by seq limit $3) e), '[]'::jsonb) as events
  from unnest($1::uuid[], $2::bigint[]) as w(user_id, after)
  join event_streams s on s.user_id = w.user_id`;

export async function readStreamsAfter(
  db: Database,
  positions: ReadonlyMap<string, number | null>,
  limitPerUser: number,
): Promise<StreamReadout[]> {
  if (positions.size === 0) return [];
  const userIds = [...positions.keys()];
  const afters = userIds.map((id) => positions.get(id) ?? null);
  // Array literals as text: the prepared runner takes scalar parameters only. Ids are uuids and
  // integers, nothing that needs quoting.
  const rows = (await preparedQueryOf(db)(readStreamsStatement, [
    `{${userIds.join(',')}}`,
    `{${afters.map((a) => (a === null ? 'NULL' : String(Math.trunc(a)))).join(',')}}`,
    limitPerUser,
  ])) as { userId: string; head: string; events: StreamEvent[] }[];
  return rows.map((row) => ({ userId: row.userId, head: Number(row.head), events: row.events }));
}
