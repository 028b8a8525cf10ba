import { bot, createBotInput, deleteBotInput } from '@pigeon/schema';
import { z } from 'zod';
import { createBot, deleteBot, listBots } from '../services/bots';
import { loginOnlyProcedure, rateLimited, router } from '../trpc';

/** Bot accounts of the caller: made, listed and deleted by their owner's login. */
export const botsRouter = router({
  create: loginOnlyProcedure
    .use(rateLimited('tokenChanges'))
    .input(createBotInput)
    .output(bot)
    .mutation(({ ctx, input }) => createBot(ctx.db, ctx.viewer.userId, input)),
  list: loginOnlyProcedure.output(z.array(bot)).query(({ ctx }) => listBots(ctx.db, ctx.viewer.userId)),
  /** Its tokens go with it; its messages stay in others' history, anonymised. */
  delete: loginOnlyProcedure
    .use(rateLimited('tokenChanges'))
    .input(deleteBotInput)
    .mutation(({ ctx, input }) => deleteBot(ctx, ctx.viewer.userId, input.botId)),
});
