import { conversation, openConversationInput, typingInput } from '@pigeon/schema';
import { z } from 'zod';
import { listConversations, openDirectConversation } from '../services/conversations';
import { announceTyping } from '../services/typing';
import { authedProcedure, router } from '../trpc';

export const conversationsRouter = router({
  open: authedProcedure
    .input(openConversationInput)
    .output(conversation)
    .mutation(({ ctx, input }) => openDirectConversation(ctx.db, ctx.viewer.userId, input.userId)),
  list: authedProcedure
    .output(z.array(conversation))
    .query(({ ctx }) => listConversations(ctx.db, ctx.viewer.userId)),
  /** "I am typing": call it at most every few seconds while the person types. */
  typing: authedProcedure
    .input(typingInput)
    .mutation(({ ctx, input }) => announceTyping(ctx, ctx.viewer.userId, input.conversationId)),
});
