import { messages, type Database } from '@pigeon/db';
import type { HistoryOutput, Message, SendMessageInput } from '@pigeon/schema';
import { and, desc, eq, gt, lt } from 'drizzle-orm';
import { requireMembership } from './conversations';
import type { Delivery } from '../core/types';
import { sendMessages } from './send-batch';
import { messageViews } from './views';

/**
 * Stores one message and its events in one transaction and resolves after commit. Idempotent on
 * (sender, clientId): a retry gets the stored message back and no second copy or event. Under
 * load the server sends through a `SendQueue`, which commits many of these together.
 */
export async function sendMessage(
  db: Database,
  viewerId: string,
  input: SendMessageInput,
): Promise<{ message: Message; deliveries: Delivery[] }> {
  const [outcome] = await sendMessages(db, [{ senderId: viewerId, input }]);
  if (!outcome) throw new Error('the send got no outcome');
  if (!outcome.ok) throw outcome.error;
  return outcome;
}

export async function messageHistory(
  db: Database,
  viewerId: string,
  input: { conversationId: string; cursor?: number | undefined; limit: number },
): Promise<HistoryOutput> {
  const { clearedUpTo } = await requireMembership(db, viewerId, input.conversationId);
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, input.conversationId),
        input.cursor === undefined ? undefined : lt(messages.id, input.cursor),
        clearedUpTo > 0 ? gt(messages.id, clearedUpTo) : undefined,
      ),
    )
    .orderBy(desc(messages.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const oldest = page.at(-1);
  return {
    messages: await messageViews(db, page),
    nextCursor: rows.length > input.limit && oldest ? oldest.id : null,
  };
}
