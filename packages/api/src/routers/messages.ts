import {
  deleteMessageInput,
  editMessageInput,
  historyInput,
  historyOutput,
  message,
  reactInput,
  searchMessagesInput,
  searchMessagesOutput,
  sendMessageInput,
  uploadLimitsView,
} from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { deleteMessage, editMessage, react, sendMessage } from '../services/message-actions';
import { messageHistory } from '../services/history';
import { searchMessages } from '../services/message-search';
import { authedLimitedProcedure, authedProcedure, router, rateLimited } from '../trpc';

export const messagesRouter = router({
  /** What this server accepts as attachments: apps check a file against it before uploading. */
  uploadLimits: authedProcedure.output(uploadLimitsView).query(({ ctx }) => ({
    maxBytes: ctx.uploads.maxBytes,
    maxPerMessage: ctx.uploads.maxPerMessage,
    quotaBytes: ctx.uploads.quotaBytes,
  })),
  history: authedProcedure
    .input(historyInput)
    .output(historyOutput)
    .query(({ ctx, input }) => messageHistory(ctx.db, ctx.viewer.userId, input)),
  // No output validation here, the hottest call: the message comes straight from the send
  // statement, in the shape the schema describes (send-batch.ts), and is not checked again.
  send: authedLimitedProcedure('messages')
    .input(sendMessageInput)
    .mutation(({ ctx, input }) => {
      // The schema caps at what any server may allow; this server may allow fewer.
      const max = ctx.uploads.maxPerMessage;
      if ((input.attachmentIds?.length ?? 0) > max) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `A message can carry at most ${max} attachments.`,
        });
      }
      return sendMessage(ctx, ctx.viewer.userId, input);
    }),
  /** Your own messages only; everyone in the conversation sees the new text, marked edited. */
  edit: authedProcedure
    .use(rateLimited('messages'))
    .input(editMessageInput)
    .output(message)
    .mutation(({ ctx, input }) => editMessage(ctx, ctx.viewer.userId, input)),
  /** Your own messages only; the others see a "deleted" placeholder in its place. */
  delete: authedProcedure
    .input(deleteMessageInput)
    .output(message)
    .mutation(({ ctx, input }) => deleteMessage(ctx, ctx.viewer.userId, input.messageId)),
  /** Full-text search of the caller's own conversations, newest first, with highlighted snippets. */
  search: authedProcedure
    .use(rateLimited('searches'))
    .input(searchMessagesInput)
    .output(searchMessagesOutput)
    .query(({ ctx, input }) => searchMessages(ctx.db, ctx.viewer.userId, input)),
  react: authedProcedure
    .use(rateLimited('messages'))
    .input(reactInput)
    .output(message)
    .mutation(({ ctx, input }) => react(ctx, ctx.viewer.userId, input)),
});
