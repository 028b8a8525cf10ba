import { z } from 'zod';
import { conversationId, messageId, publicUser, timestamp, userId } from './common';
import { message } from './messages';

export const conversationKind = z.enum(['direct', 'group']);

export const conversation = z.object({
  id: conversationId,
  kind: conversationKind,
  /** Everyone in the conversation except the caller. */
  members: z.array(publicUser),
  lastMessage: message.nullable(),
  /** Messages from others after the caller's read marker, counted up to `limits.unreadCount.max`. */
  unreadCount: z.number().int().nonnegative(),
  /** The caller's read marker. */
  lastReadMessageId: messageId.nullable(),
  /**
   * Everyone else has read up to here ("seen"); null when read receipts are off on either side.
   */
  seenUpTo: messageId.nullable(),
  /** Muted by the caller: no notifications or badge for it. */
  muted: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Conversation = z.infer<typeof conversation>;

export const openConversationInput = z.object({ userId });

export const markReadInput = z.object({ conversationId, messageId });
export type MarkReadInput = z.infer<typeof markReadInput>;

/** "Delete for me": hides the history so far from the caller only. */
export const clearConversationInput = z.object({ conversationId });

export const muteConversationInput = z.object({ conversationId, muted: z.boolean() });
