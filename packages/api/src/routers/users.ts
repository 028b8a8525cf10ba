import { userSearchInput, userSearchOutput } from '@pigeon/schema';
import { searchUsers } from '../services/users';
import { authedProcedure, router } from '../trpc';

export const usersRouter = router({
  search: authedProcedure
    .input(userSearchInput)
    .output(userSearchOutput)
    .query(({ ctx, input }) => searchUsers(ctx.db, ctx.viewer.userId, input)),
});
