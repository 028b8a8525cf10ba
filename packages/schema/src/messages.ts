import { z } from 'zod';
import { conversationId, messageId, timestamp, userId } from './common';
import { limits } from './limits';

export const messageBody = z
  .string({ error: 'Message text is required.' })
  .max(limits.messageBody.max, `A message can be at most ${limits.messageBody.max} characters.`)
  .refine((body) => body.trim().length > 0, 'A message cannot be empty.');

export const message = z.object({
  id: messageId,
  conversationId,
  senderId: userId,
  clientId: z.uuid(),
  body: z.string(),
  createdAt: timestamp,
});
export type Message = z.infer<typeof message>;

export const sendMessageInput = z.object({
  conversationId,
  body: messageBody,
  /** Made by the client once per message; a retry with the same id returns the stored message. */
  clientId: z.uuid({ error: 'clientId must be a UUID made by the client.' }),
});
export type SendMessageInput = z.infer<typeof sendMessageInput>;

export const historyInput = z.object({
  conversationId,
  /** The oldest message id already shown; the page holds older ones. */
  cursor: messageId.optional(),
  limit: z.number().int().min(1).max(limits.historyPage.max).default(limits.historyPage.default),
});
export type HistoryInput = z.input<typeof historyInput>;

export const historyOutput = z.object({
  messages: z.array(message),
  nextCursor: messageId.nullable(),
});
export type HistoryOutput = z.infer<typeof historyOutput>;
