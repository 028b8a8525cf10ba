import { z } from 'zod';
import { attachmentIds, attachmentView } from './attachments';
import { conversationId, messageId, timestamp, userId } from './common';
import { limits } from './limits';
import { searchText, text } from './text';

export const messageBody = text('Message text is required.')
  .max(limits.messageBody.max, `A message can be at most ${limits.messageBody.max} characters.`)
  .refine((body) => body.trim().length > 0, 'A message cannot be empty.');

/** The small set of reactions on offer (toggle one on or off per message). */
export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;
export const reactionEmoji = z.enum(REACTIONS, { error: `A reaction is one of ${REACTIONS.join(' ')}.` });

/** Enough of the answered message to quote it; `body` is cut to `limits.replyExcerpt.max`. */
export const replyQuote = z.object({
  id: messageId,
  senderId: userId,
  body: z.string(),
  deleted: z.boolean(),
});
export type ReplyQuote = z.infer<typeof replyQuote>;

export const message = z.object({
  id: messageId,
  conversationId,
  senderId: userId,
  clientId: z.uuid(),
  /** Empty once deleted. */
  body: z.string(),
  createdAt: timestamp,
  editedAt: timestamp.nullable(),
  deletedAt: timestamp.nullable(),
  replyTo: replyQuote.nullable(),
  reactions: z.array(z.object({ emoji: reactionEmoji, userIds: z.array(userId) })),
  /** In the order they were sent; empty when none, and once the message is deleted. Defaults to
   * empty only for events stored before attachments existed. */
  attachments: z.array(attachmentView).default([]),
});
export type Message = z.infer<typeof message>;

/** A sent message's text: empty is allowed only when it carries attachments (checked below). */
const sendBody = text('Message text is required.').max(
  limits.messageBody.max,
  `A message can be at most ${limits.messageBody.max} characters.`,
);

export const sendMessageInput = z
  .object({
    conversationId,
    body: sendBody,
    /** Made by the client once per message; a retry with the same id returns the stored message. */
    clientId: z.uuid({ error: 'clientId must be a UUID made by the client.' }),
    /** Answer an earlier message of the same conversation. */
    replyToId: messageId.optional(),
    /** The sender's own uploads not yet on a message (POST /api/v1/uploads), in display order. */
    attachmentIds: attachmentIds.optional(),
  })
  .refine((input) => input.body.trim().length > 0 || (input.attachmentIds?.length ?? 0) > 0, {
    path: ['body'],
    error: 'A message cannot be empty.',
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

export const editMessageInput = z.object({ messageId, body: messageBody });
export type EditMessageInput = z.infer<typeof editMessageInput>;

export const deleteMessageInput = z.object({ messageId });

export const reactInput = z.object({
  messageId,
  emoji: reactionEmoji,
  /** On or off, rather than a toggle: a retry lands where the first try meant to. */
  on: z.boolean(),
});
export type ReactInput = z.infer<typeof reactInput>;

export const searchMessagesInput = z.object({
  query: searchText('Search text is required.')
    .trim()
    .min(2, 'Type at least two characters to search.')
    .max(limits.messageSearch.max, `Search text must be at most ${limits.messageSearch.max} characters.`),
  /** Only this conversation (one of the caller's). */
  conversationId: conversationId.optional(),
  /** Only messages this person sent. */
  senderId: userId.optional(),
  /** The last result's message id: the next page holds older ones. */
  cursor: messageId.optional(),
  limit: z.number().int().min(1).max(limits.page.max).default(limits.page.default),
});
export type SearchMessagesInput = z.input<typeof searchMessagesInput>;

/** A piece of a result's text; `match` marks the words that matched (shown highlighted). */
export const snippetPart = z.object({ text: z.string(), match: z.boolean() });

export const searchMessagesOutput = z.object({
  results: z.array(z.object({ message, snippet: z.array(snippetPart) })),
  nextCursor: messageId.nullable(),
});
export type SearchMessagesOutput = z.infer<typeof searchMessagesOutput>;
