import type { messages } from '@pigeon/db';
import type { Message } from '@pigeon/schema';

/** Database rows to wire shapes: the one place that decides what leaves the server. */
export function toMessage(row: typeof messages.$inferSelect): Message {
  return {
    id: row.id,
    conversationId: row.conversationId,
    senderId: row.senderId,
    clientId: row.clientId,
    body: row.body,
    createdAt: row.createdAt.toISOString(),
  };
}
