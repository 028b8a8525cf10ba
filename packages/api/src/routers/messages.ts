import { historyInput, historyOutput, message, sendMessageInput } from '@pigeon/schema';
import { publishDeliveries } from '../services/events';
import { messageHistory } from '../services/messages';
import { authedProcedure, router } from '../trpc';

export const messagesRouter = router({
  history: authedProcedure
    .input(historyInput)
    .output(historyOutput)
    .query(({ ctx, input }) => messageHistory(ctx.db, ctx.viewer.userId, input)),
  send: authedProcedure
    .input(sendMessageInput)
    .output(message)
    .mutation(async ({ ctx, input }) => {
      const { message, deliveries } = await ctx.sends.send(ctx.viewer.userId, input);
      if (deliveries.length > 0) ctx.metrics.messageSent();
      await publishDeliveries(ctx.bus, ctx.log, deliveries);
      return message;
    }),
});
