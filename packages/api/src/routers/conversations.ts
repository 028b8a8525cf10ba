import { conversation, openConversationInput } from '@pigeon/schema';
import { z } from 'zod';
import { listConversations, openDirectConversation } from '../services/conversations';
import { authedProcedure, router } from '../trpc';

export const conversationsRouter = router({
  open: authedProcedure
    .input(openConversationInput)
    .output(conversation)
    .mutation(({ ctx, input }) => openDirectConversation(ctx.db, ctx.viewer.userId, input.userId)),
  list: authedProcedure
    .output(z.array(conversation))
    .query(({ ctx }) => listConversations(ctx.db, ctx.viewer.userId)),
});
