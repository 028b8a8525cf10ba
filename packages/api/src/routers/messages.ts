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
} from '@pigeon/schema';
import { deleteMessage, editMessage, react } from '../services/message-actions';
import { searchMessages } from '../services/search';
import { publishDeliveries } from '../core/event-log';
import { messageHistory } from '../services/messages';
import { authedProcedure, router, rateLimited } from '../trpc';

export const messagesRouter = router({
  history: authedProcedure
    .input(historyInput)
    .output(historyOutput)
    .query(({ ctx, input }) => messageHistory(ctx.db, ctx.viewer.userId, input)),
  send: authedProcedure
    .use(rateLimited('messages'))
    .input(sendMessageInput)
    .output(message)
    .mutation(async ({ ctx, input }) => {
      const { message, deliveries } = await ctx.sends.send(ctx.viewer.userId, input);
      if (deliveries.length > 0) ctx.metrics.messageSent();
      await publishDeliveries(ctx.bus, ctx.log, deliveries);
      return message;
    }),
  /** Your own messages only; everyone in the conversation sees the new text, marked edited. */
  edit: authedProcedure
    .use(rateLimited('messages'))
    .input(editMessageInput)
    .output(message)
    .mutation(async ({ ctx, input }) => {
      const { message, deliveries } = await editMessage(ctx.db, ctx.viewer.userId, input);
      await publishDeliveries(ctx.bus, ctx.log, deliveries);
      return message;
    }),
  /** Your own messages only; the others see a "deleted" placeholder in its place. */
  delete: authedProcedure
    .input(deleteMessageInput)
    .output(message)
    .mutation(async ({ ctx, input }) => {
      const { message, deliveries } = await deleteMessage(ctx.db, ctx.viewer.userId, input.messageId);
      await publishDeliveries(ctx.bus, ctx.log, deliveries);
      return message;
    }),
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
    .mutation(async ({ ctx, input }) => {
      const { message, deliveries } = await react(ctx.db, ctx.viewer.userId, input);
      await publishDeliveries(ctx.bus, ctx.log, deliveries);
      return message;
    }),
});
