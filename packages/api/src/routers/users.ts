import { userCard, userCardInput, userSearchInput, userSearchOutput } from '@pigeon/schema';
import { userCard as loadUserCard } from '../services/profile';
import { searchUsers } from '../services/user-search';
import { authedProcedure, router, rateLimited } from '../trpc';

export const usersRouter = router({
  search: authedProcedure
    .use(rateLimited('searches'))
    .input(userSearchInput)
    .output(userSearchOutput)
    .query(({ ctx, input }) => searchUsers(ctx.db, ctx.viewer.userId, input)),
  /** Someone's public profile card, with how the caller stands with them. */
  card: authedProcedure
    .input(userCardInput)
    .output(userCard)
    .query(({ ctx, input }) => loadUserCard(ctx.db, ctx.viewer.userId, input.userId)),
});
