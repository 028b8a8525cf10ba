import { z } from 'zod';
import { conversationId, publicUser, timestamp, userId } from './common';
import { message } from './messages';

export const conversationKind = z.enum(['direct', 'group']);

export const conversation = z.object({
  id: conversationId,
  kind: conversationKind,
  /** Everyone in the conversation except the caller. */
  members: z.array(publicUser),
  lastMessage: message.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Conversation = z.infer<typeof conversation>;

export const openConversationInput = z.object({ userId });
