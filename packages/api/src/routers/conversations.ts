import {
  clearConversationInput,
  conversation,
  markReadInput,
  muteConversationInput,
  openConversationInput,
  typingInput,
} from '@pigeon/schema';
import { z } from 'zod';
import {
  clearConversation,
  listConversations,
  muteConversation,
  openDirectConversation,
} from '../services/conversations';
import { publishDeliveries } from '../services/events';
import { markRead } from '../services/read-markers';
import { announceTyping } from '../services/typing';
import { authedProcedure, router, rateLimited } from '../trpc';

export const conversationsRouter = router({
  open: authedProcedure
    .input(openConversationInput)
    .output(conversation)
    .mutation(({ ctx, input }) => openDirectConversation(ctx.db, ctx.viewer.userId, input.userId)),
  list: authedProcedure
    .output(z.array(conversation))
    .query(({ ctx }) => listConversations(ctx.db, ctx.viewer.userId)),
  /** "I have read up to here": moves the caller's read marker forward, never back. */
  markRead: authedProcedure.input(markReadInput).mutation(async ({ ctx, input }) => {
    const { lastReadMessageId, deliveries } = await markRead(ctx.db, ctx.viewer.userId, input);
    await publishDeliveries(ctx.bus, ctx.log, deliveries);
    return { lastReadMessageId };
  }),
  /** "Delete for me": hides the history so far from the caller only, not from the others. */
  clear: authedProcedure.input(clearConversationInput).mutation(async ({ ctx, input }) => {
    const { clearedUpToMessageId, deliveries } = await clearConversation(
      ctx.db,
      ctx.viewer.userId,
      input.conversationId,
    );
    await publishDeliveries(ctx.bus, ctx.log, deliveries);
    return { clearedUpToMessageId };
  }),
  /** No notifications or badge for this conversation, on any of the caller's devices. */
  mute: authedProcedure.input(muteConversationInput).mutation(async ({ ctx, input }) => {
    const { muted, deliveries } = await muteConversation(
      ctx.db,
      ctx.viewer.userId,
      input.conversationId,
      input.muted,
    );
    await publishDeliveries(ctx.bus, ctx.log, deliveries);
    return { muted };
  }),
  /** "I am typing": call it at most every few seconds while the person types. */
  typing: authedProcedure
    .use(rateLimited('typing'))
    .input(typingInput)
    .mutation(({ ctx, input }) => announceTyping(ctx, ctx.viewer.userId, input.conversationId)),
});
