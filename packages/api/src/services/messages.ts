import { conversations, messages, type Database } from '@pigeon/db';
import type { HistoryOutput, Message, SendMessageInput } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import { requireMembership } from './conversations';
import { appendEvents, type Delivery, type Tx } from './events';
import { toMessage } from './views';

async function findByClientId(db: Database | Tx, senderId: string, clientId: string) {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.senderId, senderId), eq(messages.clientId, clientId)));
  return row;
}

function sameSend(row: typeof messages.$inferSelect, input: SendMessageInput): Message {
  if (row.conversationId !== input.conversationId) {
    throw new TRPCError({ code: 'CONFLICT', message: 'This clientId was already used for another message.' });
  }
  return toMessage(row);
}

/**
 * Stores a message and its events in one transaction and resolves after commit. Idempotent on
 * (sender, clientId): a retry gets the stored message back and no second copy or event.
 */
export async function sendMessage(
  db: Database,
  viewerId: string,
  input: SendMessageInput,
): Promise<{ message: Message; deliveries: Delivery[] }> {
  return db.transaction(async (tx) => {
    const { kind, memberIds, friendIds } = await requireMembership(tx, viewerId, input.conversationId);
    if (kind === 'direct') {
      const otherId = memberIds.find((id) => id !== viewerId);
      if (otherId === undefined || !friendIds.has(otherId)) {
        // A retry of a send that was stored before the friendship ended still gets its answer.
        const earlier = await findByClientId(tx, viewerId, input.clientId);
        if (earlier) return { message: sameSend(earlier, input), deliveries: [] };
        throw new TRPCError({ code: 'FORBIDDEN', message: 'You can only message friends.' });
      }
    }
    const [row] = await tx
      .insert(messages)
      .values({
        conversationId: input.conversationId,
        senderId: viewerId,
        clientId: input.clientId,
        body: input.body,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      const earlier = await findByClientId(tx, viewerId, input.clientId);
      if (!earlier) throw new Error('conflicting message not found');
      return { message: sameSend(earlier, input), deliveries: [] };
    }
    await tx
      .update(conversations)
      .set({ lastMessageId: row.id, lastMessageAt: row.createdAt })
      // Concurrent sends may commit out of id order; only ever move the pointer forward.
      .where(
        and(
          eq(conversations.id, input.conversationId),
          or(isNull(conversations.lastMessageId), lt(conversations.lastMessageId, row.id)),
        ),
      );
    const message = toMessage(row);
    const deliveries = await appendEvents(
      tx,
      memberIds.map((userId) => ({ userId, event: { v: 1, type: 'message.created', message } })),
    );
    return { message, deliveries };
  });
}

export async function messageHistory(
  db: Database,
  viewerId: string,
  input: { conversationId: string; cursor?: number | undefined; limit: number },
): Promise<HistoryOutput> {
  await requireMembership(db, viewerId, input.conversationId);
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, input.conversationId),
        input.cursor === undefined ? undefined : lt(messages.id, input.cursor),
      ),
    )
    .orderBy(desc(messages.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const oldest = page.at(-1);
  return {
    messages: page.map(toMessage),
    nextCursor: rows.length > input.limit && oldest ? oldest.id : null,
  };
}
