import {
  friend,
  friendRequest,
  friendRequestInput,
  friendRequestRef,
  friendRequestsOutput,
  publicUser,
  suggestion,
  userRef,
} from '@pigeon/schema';
import {
  blockUser,
  cancelFriendRequest,
  listBlocked,
  removeFriend,
  unblockUser,
} from '../services/relationships';
import { z } from 'zod';
import { publishDeliveries } from '../core/event-log';
import * as friends from '../services/friends';
import { authedProcedure, router, rateLimited } from '../trpc';

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
    .use(rateLimited('friendRequests'))
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
  /** Withdraws your own pending request. */
  cancel: authedProcedure.input(friendRequestRef).mutation(async ({ ctx, input }) => {
    const { requestId, deliveries } = await cancelFriendRequest(ctx.db, ctx.viewer.userId, input.requestId);
    await publishDeliveries(ctx.bus, ctx.log, deliveries);
    return { requestId };
  }),
  remove: authedProcedure.input(userRef).mutation(async ({ ctx, input }) => {
    const { userId, deliveries } = await removeFriend(ctx.db, ctx.viewer.userId, input.userId);
    await publishDeliveries(ctx.bus, ctx.log, deliveries);
    return { userId };
  }),
  blocked: authedProcedure
    .output(z.array(publicUser))
    .query(({ ctx }) => listBlocked(ctx.db, ctx.viewer.userId)),
  block: authedProcedure
    .input(userRef)
    .output(publicUser)
    .mutation(async ({ ctx, input }) => {
      const { user, deliveries } = await blockUser(ctx.db, ctx.viewer.userId, input.userId);
      await publishDeliveries(ctx.bus, ctx.log, deliveries);
      return user;
    }),
  unblock: authedProcedure.input(userRef).mutation(async ({ ctx, input }) => {
    const { userId, deliveries } = await unblockUser(ctx.db, ctx.viewer.userId, input.userId);
    await publishDeliveries(ctx.bus, ctx.log, deliveries);
    return { userId };
  }),
});
