import {
  friend,
  friendRequest,
  friendRequestInput,
  friendRequestRef,
  friendRequestsOutput,
  suggestion,
} from '@pigeon/schema';
import { z } from 'zod';
import { publishDeliveries } from '../services/events';
import * as friends from '../services/friends';
import { authedProcedure, router } from '../trpc';

export const friendsRouter = router({
  list: authedProcedure
    .output(z.array(friend))
    .query(({ ctx }) => friends.listFriends(ctx.db, ctx.viewer.userId)),
  requests: authedProcedure
    .output(friendRequestsOutput)
    .query(({ ctx }) => friends.listRequests(ctx.db, ctx.viewer.userId)),
  suggestions: authedProcedure
    .output(z.array(suggestion))
    .query(({ ctx }) => friends.suggestFriends(ctx.db, ctx.viewer.userId)),
  request: authedProcedure
    .input(friendRequestInput)
    .output(z.object({ status: z.enum(['pending', 'accepted']), request: friendRequest }))
    .mutation(async ({ ctx, input }) => {
      const { result, deliveries } = await friends.sendFriendRequest(ctx.db, ctx.viewer.userId, input);
      await publishDeliveries(ctx.bus, ctx.log, deliveries);
      return result;
    }),
  accept: authedProcedure
    .input(friendRequestRef)
    .output(friendRequest)
    .mutation(async ({ ctx, input }) => {
      const { request, deliveries } = await friends.acceptFriendRequest(
        ctx.db,
        ctx.viewer.userId,
        input.requestId,
      );
      await publishDeliveries(ctx.bus, ctx.log, deliveries);
      return request;
    }),
  decline: authedProcedure.input(friendRequestRef).mutation(async ({ ctx, input }) => {
    const { requestId, deliveries } = await friends.declineFriendRequest(
      ctx.db,
      ctx.viewer.userId,
      input.requestId,
    );
    await publishDeliveries(ctx.bus, ctx.log, deliveries);
    return { requestId };
  }),
});
