import {
  addGroupMembersInput,
  clearConversationInput,
  createGroupInput,
  groupInfo,
  leaveGroupInput,
  removeGroupMemberInput,
  renameGroupInput,
  conversation,
  markReadInput,
  muteConversationInput,
  openConversationInput,
  typingInput,
  type GroupInfo,
} from '@pigeon/schema';
import { z } from 'zod';
import {
  clearConversation,
  conversationView,
  listConversations,
  muteConversation,
  openDirectConversation,
} from '../services/conversations';
import type { Context } from '../context';
import { publishDeliveries } from '../core/event-log';
import type { Delivery } from '../core/types';
import { addGroupMembers, createGroup, leaveGroup, removeGroupMember, renameGroup } from '../services/groups';
import { markRead } from '../services/read-markers';
import { announceTyping } from '../services/typing';
import { authedProcedure, router, rateLimited } from '../trpc';

/** Group changes are announced to every member's stream; the caller gets the group as it is now. */
const groupChange = authedProcedure.use(rateLimited('groupChanges')).output(groupInfo);

/** Publishes a committed group change to its members' streams, then answers with the group. */
async function announced(
  ctx: Pick<Context, 'bus' | 'log'>,
  change: Promise<{ group: GroupInfo; deliveries: Delivery[] }>,
): Promise<GroupInfo> {
  const { group, deliveries } = await change;
  await publishDeliveries(ctx.bus, ctx.log, deliveries);
  return group;
}

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
  /** A group with some of the caller's friends; the caller owns it. */
  createGroup: authedProcedure
    .use(rateLimited('groupChanges'))
    .input(createGroupInput)
    .output(conversation)
    .mutation(async ({ ctx, input }) => {
      const group = await announced(ctx, createGroup(ctx.db, ctx.viewer.userId, input));
      return conversationView(ctx.db, ctx.viewer.userId, group.id);
    }),
  /** Owner only. */
  rename: groupChange
    .input(renameGroupInput)
    .mutation(({ ctx, input }) =>
      announced(ctx, renameGroup(ctx.db, ctx.viewer.userId, input.conversationId, input.name)),
    ),
  /** Owner only: the owner's friends join, and see the group's history. */
  addMembers: groupChange
    .input(addGroupMembersInput)
    .mutation(({ ctx, input }) =>
      announced(ctx, addGroupMembers(ctx.db, ctx.viewer.userId, input.conversationId, input.userIds)),
    ),
  /** Owner only: the member loses the group at once, with its history and every later message. */
  removeMember: groupChange
    .input(removeGroupMemberInput)
    .mutation(({ ctx, input }) =>
      announced(ctx, removeGroupMember(ctx.db, ctx.viewer.userId, input.conversationId, input.userId)),
    ),
  /** Anyone may leave; an owner who leaves hands the group to its longest-standing member. */
  leave: groupChange
    .input(leaveGroupInput)
    .mutation(({ ctx, input }) =>
      announced(ctx, leaveGroup(ctx.db, ctx.viewer.userId, input.conversationId)),
    ),
  /** "I am typing": call it at most every few seconds while the person types. */
  typing: authedProcedure
    .use(rateLimited('typing'))
    .input(typingInput)
    .mutation(({ ctx, input }) => announceTyping(ctx, ctx.viewer.userId, input.conversationId)),
});
