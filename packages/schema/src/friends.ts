import { z } from 'zod';
import { username } from './auth';
import { publicUser, requestId, timestamp, userId } from './common';

export const friendRequestStatus = z.enum(['pending', 'accepted', 'declined']);

export const friendRequestInput = z.union([z.object({ username }), z.object({ userId })], {
  error: 'Give either a username or a userId.',
});
export type FriendRequestInput = z.infer<typeof friendRequestInput>;

export const friendRequestRef = z.object({ requestId });

export const friendRequest = z.object({
  id: requestId,
  from: publicUser,
  to: publicUser,
  status: friendRequestStatus,
  createdAt: timestamp,
});
export type FriendRequest = z.infer<typeof friendRequest>;

export const friend = publicUser.extend({ since: timestamp });
export type Friend = z.infer<typeof friend>;

export const friendRequestsOutput = z.object({
  incoming: z.array(z.object({ id: requestId, from: publicUser, createdAt: timestamp })),
  outgoing: z.array(z.object({ id: requestId, to: publicUser, createdAt: timestamp })),
});
export type FriendRequestsOutput = z.infer<typeof friendRequestsOutput>;

export const suggestion = publicUser.extend({ mutualFriends: z.number().int().nonnegative() });
export type Suggestion = z.infer<typeof suggestion>;

/** Someone the caller means: a friend to remove, a user to block or unblock. */
export const userRef = z.object({ userId });
