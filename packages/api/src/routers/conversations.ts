import {
  addGroupMembersInput,
  clearConversationInput,
  createGroupInput,
  groupInfo,
  leaveGroupInput,
  removeGroupAvatarInput,
  removeGroupMemberInput,
  renameGroupInput,
  conversation,
  markReadInput,
  muteConversationInput,
  openConversationInput,
  typingInput,
} from '@pigeon/schema';
import { z } from 'zod';
import { changeGroupAvatar } from '../services/avatars';
import { listConversations } from '../services/conversation-list';
import { openDirectConversation } from '../services/direct-conversations';
import { addGroupMembers, createGroup, leaveGroup, removeGroupMember, renameGroup } from '../services/groups';
import { clearConversation, muteConversation } from '../services/member-settings';
import { markRead } from '../services/read-markers';
import { announceTyping } from '../services/typing';
import { authedLimitedProcedure, authedProcedure, router, rateLimited } from '../trpc';

/** Group changes are announced to every member's stream; the caller gets the group as it is now. */
const groupChange = authedProcedure.use(rateLimited('groupChanges')).output(groupInfo);

export const conversationsRouter = router({
  open: authedProcedure
    .input(openConversationInput)
    .output(conversation)
    .mutation(({ ctx, input }) => openDirectConversation(ctx.db, ctx.viewer.userId, input.userId)),
  list: authedProcedure
    .output(z.array(conversation))
    .query(({ ctx }) => listConversations(ctx.db, ctx.viewer.userId)),
  /** "I have read up to here": moves the caller's read marker forward, never back. */
  markRead: authedProcedure
    .input(markReadInput)
    .mutation(({ ctx, input }) => markRead(ctx, ctx.viewer.userId, input)),
  /** "Delete for me": hides the history so far from the caller only, not from the others. */
  clear: authedProcedure
    .input(clearConversationInput)
    .mutation(({ ctx, input }) => clearConversation(ctx, ctx.viewer.userId, input.conversationId)),
  /** No notifications or badge for this conversation, on any of the caller's devices. */
  mute: authedProcedure
    .input(muteConversationInput)
    .mutation(({ ctx, input }) =>
      muteConversation(ctx, ctx.viewer.userId, input.conversationId, input.muted),
    ),
  /** A group with some of the caller's friends; the caller owns it. */
  createGroup: authedProcedure
    .use(rateLimited('groupChanges'))
    .input(createGroupInput)
    .output(conversation)
    .mutation(({ ctx, input }) => createGroup(ctx, ctx.viewer.userId, input)),
  /** Owner only. */
  rename: groupChange
    .input(renameGroupInput)
    .mutation(({ ctx, input }) => renameGroup(ctx, ctx.viewer.userId, input.conversationId, input.name)),
  /**
   * Owner only (as renaming): back to the initials avatar. Photos are set by
   * `PUT /api/v1/groups/{conversationId}/avatar`.
   */
  removeAvatar: authedProcedure
    .use(rateLimited('avatarChanges'))
    .input(removeGroupAvatarInput)
    .output(groupInfo)
    .mutation(({ ctx, input }) => changeGroupAvatar(ctx, ctx.viewer.userId, input.conversationId, null)),
  /** Owner only: the owner's friends join, and see the group's history. */
  addMembers: groupChange
    .input(addGroupMembersInput)
    .mutation(({ ctx, input }) =>
      addGroupMembers(ctx, ctx.viewer.userId, input.conversationId, input.userIds),
    ),
  /** Owner only: the member loses the group at once, with its history and every later message. */
  removeMember: groupChange
    .input(removeGroupMemberInput)
    .mutation(({ ctx, input }) =>
      removeGroupMember(ctx, ctx.viewer.userId, input.conversationId, input.userId),
    ),
  /** Anyone may leave; an owner who leaves hands the group to its longest-standing member. */
  leave: groupChange
    .input(leaveGroupInput)
    .mutation(({ ctx, input }) => leaveGroup(ctx, ctx.viewer.userId, input.conversationId)),
  /**
   * "I am typing": call it at most every few seconds while the person types, and with
   * `typing: false` when they clear the text.
   */
  typing: authedLimitedProcedure('typing')
    .input(typingInput)
    .mutation(({ ctx, input }) => announceTyping(ctx, ctx.viewer.userId, input.conversationId, input.typing)),
});
