import {
  apiToken,
  createApiTokenInput,
  createdApiToken,
  listApiTokensInput,
  revokeApiTokenInput,
} from '@pigeon/schema';
import { z } from 'zod';
import { createApiToken, listApiTokens, revokeApiToken } from '../services/api-tokens';
import { loginOnlyProcedure, rateLimited, router } from '../trpc';

/** Personal API tokens, of the caller or of their bots; a login only (a token cannot make tokens). */
export const tokensRouter = router({
  /** The answer holds the secret, shown this once. */
  create: loginOnlyProcedure
    .use(rateLimited('tokenChanges'))
    .input(createApiTokenInput)
    .output(createdApiToken)
    .mutation(({ ctx, input }) => createApiToken(ctx.db, ctx.viewer.userId, input)),
  list: loginOnlyProcedure
    .input(listApiTokensInput)
    .output(z.array(apiToken))
    .query(({ ctx, input }) => listApiTokens(ctx.db, ctx.viewer.userId, input?.botId)),
  /** Sockets using the token close at once, on every instance. */
  revoke: loginOnlyProcedure
    .use(rateLimited('tokenChanges'))
    .input(revokeApiTokenInput)
    .mutation(({ ctx, input }) => revokeApiToken(ctx, ctx.viewer.userId, input.tokenId)),
});
