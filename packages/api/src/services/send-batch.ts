import { conversationMembers, conversations, friendships, messages, type Database } from '@pigeon/db';
import type { Message, ReplyQuote, SendMessageInput } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { appendEvents } from '../core/event-log';
import type { Delivery, Tx } from '../core/types';
import { messageViews, toMessage, toQuote } from './views';

export interface SendJob {
  senderId: string;
  input: SendMessageInput;
}

export type SendOutcome =
  { ok: true; message: Message; deliveries: Delivery[] } | { ok: false; error: TRPCError };

type MessageRow = typeof messages.$inferSelect;

const sendKey = (senderId: string, clientId: string) => `${senderId}/${clientId}`;

/** A retry of an earlier send: the stored message, or CONFLICT if the clientId meant another chat. */
function earlierSend(message: Message, input: SendMessageInput): SendOutcome {
  if (message.conversationId !== input.conversationId) {
    return {
      ok: false,
      error: new TRPCError({
        code: 'CONFLICT',
        message: 'This clientId was already used for another message.',
      }),
    };
  }
  return { ok: true, message, deliveries: [] };
}

/**
 * Stores many sends in one transaction (group commit): a fixed number of statements per batch
 * instead of per message. Each job still gets its own answer: a refused send refuses only itself.
 * Idempotent on (sender, clientId), within a batch as across batches.
 */
export function sendMessages(db: Database, jobs: readonly SendJob[]): Promise<SendOutcome[]> {
  return db.transaction((tx) => sendInTransaction(tx, jobs));
}

/** A conversation of the batch, as read under its lock. */
interface LockedConversation {
  kind: 'direct' | 'group';
  memberIds: string[];
  /** In a 1:1: the members still friends with the other, who alone may write there. */
  befriended: Set<string>;
}

/** Each job's answer, filled in as the batch goes. */
type Outcomes = (SendOutcome | undefined)[];

async function sendInTransaction(tx: Tx, jobs: readonly SendJob[]): Promise<SendOutcome[]> {
  const conversationIds = [...new Set(jobs.map((j) => j.input.conversationId))].sort();
  const locked = await lockConversations(tx, conversationIds);
  const outcomes: Outcomes = new Array<SendOutcome | undefined>(jobs.length);
  const { admitted, needEarlier } = admit(jobs, locked, outcomes);
  const quotes = await replyTargets(tx, jobs, admitted, outcomes);
  const { fresh, retries } = await insertMessages(
    tx,
    jobs,
    admitted.filter((i) => outcomes[i] === undefined),
  );
  await resolveEarlierSends(tx, jobs, [...needEarlier, ...retries], outcomes);
  await advanceConversationPointers(
    tx,
    fresh.map((f) => f.row),
  );
  await announceMessages(tx, fresh, locked, quotes, outcomes);
  return outcomes.map((o) => {
    if (!o) throw new Error('a send in the batch got no outcome');
    return o;
  });
}

/**
 * Locks the conversations first and in id order (concurrent batches then queue on them instead
 * of deadlocking, and membership cannot change before commit: group changes take this lock),
 * then reads their members.
 */
async function lockConversations(
  tx: Tx,
  conversationIds: string[],
): Promise<Map<string, LockedConversation>> {
  const locked = await tx
    .select({ id: conversations.id, kind: conversations.kind })
    .from(conversations)
    .where(inArray(conversations.id, conversationIds))
    .orderBy(asc(conversations.id))
    .for('update');
  // Read after the lock, in a statement of its own: under READ COMMITTED it sees a membership
  // change that committed while we waited (a join in the locking statement would not).
  const others = alias(conversationMembers, 'others');
  const memberRows = await tx
    .select({
      conversationId: conversationMembers.conversationId,
      userId: conversationMembers.userId,
      // In a 1:1 this is "still the other's friend", the right to write there.
      befriended: sql<boolean>`exists (${tx
        .select({ one: sql`1` })
        .from(friendships)
        .innerJoin(others, eq(others.userId, friendships.friendId))
        .where(
          and(
            eq(friendships.userId, conversationMembers.userId),
            eq(others.conversationId, conversationMembers.conversationId),
          ),
        )})`,
    })
    .from(conversationMembers)
    .where(inArray(conversationMembers.conversationId, conversationIds));
  const kinds = new Map(locked.map((c) => [c.id, c.kind]));
  const byConversation = new Map<string, LockedConversation>();
  for (const row of memberRows) {
    const kind = kinds.get(row.conversationId) ?? 'direct';
    const entry = byConversation.get(row.conversationId) ?? { kind, memberIds: [], befriended: new Set() };
    entry.memberIds.push(row.userId);
    if (row.befriended) entry.befriended.add(row.userId);
    byConversation.set(row.conversationId, entry);
  }
  return byConversation;
}

/**
 * Who may write: members, and in a 1:1 only friends. Outsiders are answered here; a 1:1 send
 * after the friendship ended waits for `resolveEarlierSends` (it may be a retry of a stored one).
 */
function admit(jobs: readonly SendJob[], locked: Map<string, LockedConversation>, outcomes: Outcomes) {
  const admitted: number[] = [];
  const needEarlier: number[] = [];
  jobs.forEach((job, i) => {
    const conversation = locked.get(job.input.conversationId);
    if (!conversation?.memberIds.includes(job.senderId)) {
      // Outsiders learn nothing about the conversation, not even that it exists.
      outcomes[i] = {
        ok: false,
        error: new TRPCError({ code: 'NOT_FOUND', message: 'No such conversation.' }),
      };
      return;
    }
    if (conversation.kind === 'direct') {
      if (conversation.memberIds.length !== 2 || !conversation.befriended.has(job.senderId)) {
        // Refused, unless it is a retry of a send stored before the friendship ended.
        needEarlier.push(i);
        return;
      }
    }
    admitted.push(i);
  });
  return { admitted, needEarlier };
}

/**
 * Inserts the admitted sends in one statement. A send whose (sender, clientId) is stored already
 * is a retry, answered later from the stored message.
 */
async function insertMessages(tx: Tx, jobs: readonly SendJob[], admitted: readonly number[]) {
  const inserted = admitted.length
    ? await tx
        .insert(messages)
        .values(
          admitted.map((i) => {
            const { senderId, input } = jobs[i] as SendJob;
            return {
              conversationId: input.conversationId,
              senderId,
              clientId: input.clientId,
              body: input.body,
              replyToId: input.replyToId ?? null,
            };
          }),
        )
        .onConflictDoNothing()
        .returning()
    : [];
  // Ids ascend in commit-visible order within a conversation; events follow the same order.
  inserted.sort((a, b) => a.id - b.id);
  const insertedByKey = new Map(inserted.map((row) => [sendKey(row.senderId, row.clientId), row]));
  const fresh: { index: number; row: MessageRow }[] = [];
  const retries: number[] = [];
  for (const i of admitted) {
    const { senderId, input } = jobs[i] as SendJob;
    const key = sendKey(senderId, input.clientId);
    const row = insertedByKey.get(key);
    if (row) {
      insertedByKey.delete(key); // a second job with the same clientId is a retry of this one
      fresh.push({ index: i, row });
    } else {
      retries.push(i);
    }
  }
  fresh.sort((a, b) => a.row.id - b.row.id);
  return { fresh, retries };
}

/** Writes `message.created` to every member's stream, and answers each new send with its events. */
async function announceMessages(
  tx: Tx,
  fresh: readonly { index: number; row: MessageRow }[],
  locked: Map<string, LockedConversation>,
  quotes: Map<number, ReplyQuote>,
  outcomes: Outcomes,
) {
  const stored = fresh.map(({ index, row }) => ({
    index,
    message: toMessage(row, {
      replyTo: row.replyToId === null ? null : (quotes.get(row.replyToId) ?? null),
    }),
    memberIds: locked.get(row.conversationId)?.memberIds ?? [],
  }));
  const deliveries = await appendEvents(
    tx,
    stored.flatMap(({ message, memberIds }) =>
      memberIds.map((userId) => ({
        userId,
        event: { v: 1 as const, type: 'message.created' as const, message },
      })),
    ),
  );
  let next = 0;
  for (const { index, message, memberIds } of stored) {
    outcomes[index] = { ok: true, message, deliveries: deliveries.slice(next, next + memberIds.length) };
    next += memberIds.length;
  }
}

/**
 * The messages being answered, as quotes. A reply to a message that is not in the same
 * conversation is refused (NOT_FOUND: other conversations' ids reveal nothing).
 */
async function replyTargets(
  tx: Tx,
  jobs: readonly SendJob[],
  accepted: readonly number[],
  outcomes: Outcomes,
): Promise<Map<number, ReplyQuote>> {
  const ids = [...new Set(accepted.flatMap((i) => jobs[i]?.input.replyToId ?? []))];
  if (ids.length === 0) return new Map();
  const rows = await tx.select().from(messages).where(inArray(messages.id, ids));
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const i of accepted) {
    const { input } = jobs[i] as SendJob;
    if (input.replyToId === undefined) continue;
    if (byId.get(input.replyToId)?.conversationId !== input.conversationId) {
      outcomes[i] = {
        ok: false,
        error: new TRPCError({
          code: 'NOT_FOUND',
          message: 'No such message to reply to in this conversation.',
        }),
      };
    }
  }
  return new Map(rows.map((row) => [row.id, toQuote(row)]));
}

/** Answers retries (and refusals) from the messages already stored under the same clientIds. */
async function resolveEarlierSends(
  tx: Tx,
  jobs: readonly SendJob[],
  indexes: readonly number[],
  outcomes: Outcomes,
) {
  if (indexes.length === 0) return;
  const wanted = indexes.map((i) => jobs[i] as SendJob);
  const rows = await tx
    .select()
    .from(messages)
    .where(
      and(
        inArray(messages.senderId, [...new Set(wanted.map((j) => j.senderId))]),
        inArray(messages.clientId, [...new Set(wanted.map((j) => j.input.clientId))]),
      ),
    );
  const views = await messageViews(tx, rows);
  const stored = new Map(views.map((m) => [sendKey(m.senderId, m.clientId), m]));
  for (const i of indexes) {
    const { senderId, input } = jobs[i] as SendJob;
    const earlier = stored.get(sendKey(senderId, input.clientId));
    outcomes[i] = earlier
      ? earlierSend(earlier, input)
      : { ok: false, error: new TRPCError({ code: 'FORBIDDEN', message: 'You can only message friends.' }) };
  }
}

/** Moves each conversation's last-message pointer to its newest message of this batch. */
async function advanceConversationPointers(tx: Tx, rows: readonly MessageRow[]) {
  if (rows.length === 0) return;
  const newest = new Map<string, MessageRow>();
  for (const row of rows) {
    const current = newest.get(row.conversationId);
    if (!current || current.id < row.id) newest.set(row.conversationId, row);
  }
  const ids = [...newest.keys()];
  const caseOf = (pick: (row: MessageRow) => unknown, type: string) =>
    sql.join(
      [
        sql`case ${conversations.id}`,
        ...[...newest].map(([id, row]) => sql`when ${id}::uuid then ${pick(row)}::${sql.raw(type)}`),
        sql`end`,
      ],
      sql` `,
    );
  const newestId = caseOf((row) => row.id, 'bigint');
  await tx
    .update(conversations)
    .set({
      lastMessageId: sql`${newestId}`,
      lastMessageAt: sql`${caseOf((row) => row.createdAt.toISOString(), 'timestamptz')}`,
    })
    // Another batch may have committed a newer message already: only ever move forward.
    .where(
      and(
        inArray(conversations.id, ids),
        or(isNull(conversations.lastMessageId), lt(conversations.lastMessageId, newestId)),
      ),
    );
}
