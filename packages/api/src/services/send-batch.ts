import { messages, writerQueryOf, type Database, type WarmStatement } from '@pigeon/db';
import { limits, type Message, type SendMessageInput } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { inArray } from 'drizzle-orm';
import type { Delivery } from '../core/types';
import { messageViews } from './views';

export interface SendJob {
  senderId: string;
  input: SendMessageInput;
}

export type SendOutcome =
  { ok: true; message: Message; deliveries: Delivery[] } | { ok: false; error: TRPCError };

/** What `pigeon_send_batch` answers for one send (migration 0017_attachments.sql). */
type BatchAnswer =
  | { e: 'NOT_FOUND' | 'REPLY_NOT_FOUND' | 'ATTACHMENT_NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' }
  | { retry: number }
  | { m: Message; to: [userId: string, eventId: number][] };

/*
 * The whole batch is one statement, a PL/pgSQL function, so it costs one round trip instead of
 * about nine run one after another. Fixed text: postgres.js prepares it once per connection. It
 * runs in its own transaction (a single statement commits by itself). What it does, in order:
 * lock the conversations in id order; read their members after the lock, in a statement of its
 * own (so a membership change committed while waiting is seen); refuse outsiders (NOT_FOUND) and,
 * in a 1:1, non-friends (FORBIDDEN, unless the send retries one stored before); check reply
 * targets and attachments (only the sender's own uploads, on no other message); insert ON CONFLICT DO NOTHING (a stored (sender, clientId) is a retry, CONFLICT if it
 * was for another chat); move conversation pointers forward only; lock the recipients' stream
 * heads in user order and append `message.created` to each. Attaching the uploads is part of the
 * same statement, so a send is stored with all its attachments or not at all.
 */
const statement = 'select pigeon_send_batch($1::text::jsonb, $2::integer) as answers';

/** No conversation, user or message has this id (ids are random version-4 uuids). */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * The send statement with one send to a conversation that does not exist: the function locks
 * nothing, reads no members, stores nothing and answers NOT_FOUND, but plans its statements up to
 * the insert on the way. Run on every pool connection at start (DbHandle.warm), so the first sends
 * after a start or a deploy don't each pay the prepare, PostgreSQL's compile of the function and
 * those plans on a new connection (measured: a first real batch on a new connection 56–68 ms, the
 * next ones 24–28 ms; after this warm-up 42 ms; after an empty batch no better than cold).
 */
export const sendBatchWarmUp: WarmStatement = {
  text: statement,
  params: [
    JSON.stringify([{ s: NIL_UUID, c: NIL_UUID, k: NIL_UUID, b: '', r: null }]),
    limits.replyExcerpt.max,
  ],
};

const refusals = {
  NOT_FOUND: () => new TRPCError({ code: 'NOT_FOUND', message: 'No such conversation.' }),
  REPLY_NOT_FOUND: () =>
    new TRPCError({ code: 'NOT_FOUND', message: 'No such message to reply to in this conversation.' }),
  // The same answer for someone else's upload as for none: ids reveal nothing.
  ATTACHMENT_NOT_FOUND: () =>
    new TRPCError({
      code: 'NOT_FOUND',
      message: 'An attachment is not one of your uploads waiting to be sent (each goes on one message).',
    }),
  FORBIDDEN: () => new TRPCError({ code: 'FORBIDDEN', message: 'You can only message friends.' }),
  CONFLICT: () =>
    new TRPCError({ code: 'CONFLICT', message: 'This clientId was already used for another message.' }),
} as const;

/**
 * Stores many sends in one transaction (group commit): one statement per batch instead of
 * several per message. Each job still gets its own answer: a refused send refuses only itself.
 * Idempotent on (sender, clientId), within a batch as across batches.
 */
export async function sendMessages(db: Database, jobs: readonly SendJob[]): Promise<SendOutcome[]> {
  const batch = JSON.stringify(
    jobs.map(({ senderId, input }) => ({
      s: senderId,
      c: input.conversationId,
      k: input.clientId,
      b: input.body,
      r: input.replyToId ?? null,
      ...(input.attachmentIds?.length ? { a: input.attachmentIds } : {}),
    })),
  );
  const [row] = (await writerQueryOf(db)(statement, [batch, limits.replyExcerpt.max])) as [
    { answers: BatchAnswer[] | null },
  ];
  const answers = row.answers ?? [];
  if (answers.length !== jobs.length) throw new Error('pigeon_send_batch answered the wrong number of sends');

  const retried = await storedMessages(
    db,
    answers.flatMap((a) => ('retry' in a ? [a.retry] : [])),
  );
  return answers.map((answer): SendOutcome => {
    if ('e' in answer) return { ok: false, error: refusals[answer.e]() };
    if ('retry' in answer) {
      const message = retried.get(answer.retry);
      if (!message) throw new Error(`stored message ${answer.retry} vanished`);
      return { ok: true, message, deliveries: [] };
    }
    // One event object for all recipients: serialised once per publish, not rebuilt per member.
    const { m: message } = answer;
    return {
      ok: true,
      message,
      deliveries: answer.to.map(([userId, id]) => ({
        userId,
        event: { v: 1, type: 'message.created', message, id },
      })),
    };
  });
}

/** Retries are answered with the stored message as history shows it (quote, reactions). */
async function storedMessages(db: Database, ids: readonly number[]): Promise<Map<number, Message>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(messages)
    .where(inArray(messages.id, [...new Set(ids)]));
  return new Map((await messageViews(db, rows)).map((m) => [m.id, m]));
}
