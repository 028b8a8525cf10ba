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
import { z } from 'zod';
import { blockUser, listBlocked, unblockUser } from '../services/blocks';
import {
  acceptFriendRequest,
  cancelFriendRequest,
  declineFriendRequest,
  listRequests,
  sendFriendRequest,
} from '../services/friend-requests';
import { listFriends, removeFriend } from '../services/friendships';
import { suggestFriends } from '../services/suggestions';
import { authedProcedure, router, rateLimited } from '../trpc';

export const friendsRouter = router({
  list: authedProcedure.output(z.array(friend)).query(({ ctx }) => listFriends(ctx.db, ctx.viewer.userId)),
  requests: authedProcedure
    .output(friendRequestsOutput)
    .query(({ ctx }) => listRequests(ctx.db, ctx.viewer.userId)),
  suggestions: authedProcedure
    .output(z.array(suggestion))
    .query(({ ctx }) => suggestFriends(ctx.db, ctx.viewer.userId)),
  request: authedProcedure
    .use(rateLimited('friendRequests'))
    .input(friendRequestInput)
    .output(z.object({ status: z.enum(['pending', 'accepted']), request: friendRequest }))
    .mutation(({ ctx, input }) => sendFriendRequest(ctx, ctx.viewer.userId, input)),
  accept: authedProcedure
    .input(friendRequestRef)
    .output(friendRequest)
    .mutation(({ ctx, input }) => acceptFriendRequest(ctx, ctx.viewer.userId, input.requestId)),
  decline: authedProcedure
    .input(friendRequestRef)
    .mutation(({ ctx, input }) => declineFriendRequest(ctx, ctx.viewer.userId, input.requestId)),
  /** Withdraws your own pending request. */
  cancel: authedProcedure
    .input(friendRequestRef)
    .mutation(({ ctx, input }) => cancelFriendRequest(ctx, ctx.viewer.userId, input.requestId)),
  remove: authedProcedure
    .input(userRef)
    .mutation(({ ctx, input }) => removeFriend(ctx, ctx.viewer.userId, input.userId)),
  blocked: authedProcedure
    .output(z.array(publicUser))
    .query(({ ctx }) => listBlocked(ctx.db, ctx.viewer.userId)),
  block: authedProcedure
    .input(userRef)
    .output(publicUser)
    .mutation(({ ctx, input }) => blockUser(ctx, ctx.viewer.userId, input.userId)),
  unblock: authedProcedure
    .input(userRef)
    .mutation(({ ctx, input }) => unblockUser(ctx, ctx.viewer.userId, input.userId)),
});
