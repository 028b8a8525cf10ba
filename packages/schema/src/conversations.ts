import { z } from 'zod';
import { avatarUrl, conversationId, messageId, publicUser, timestamp, userId } from './common';
import { limits } from './limits';
import { text } from './text';
import { message } from './messages';

export const conversationKind = z.enum(['direct', 'group']);

export const conversation = z.object({
  id: conversationId,
  kind: conversationKind,
  /** A group's name; null for direct conversations. */
  name: z.string().nullable(),
  /** Who manages a group (renames it, adds and removes members); null for direct ones. */
  ownerId: userId.nullable(),
  /** A group's photo; null when it has none, and for direct conversations (show the other person's). */
  avatarUrl: avatarUrl.nullable(),
  /** Everyone in the conversation except the caller. */
  members: z.array(publicUser),
  lastMessage: message.nullable(),
  /** Messages from others after the caller's read marker, counted up to `limits.unreadCount.max`. */
  unreadCount: z.number().int().nonnegative(),
  /** The caller's read marker. */
  lastReadMessageId: messageId.nullable(),
  /**
   * Everyone else has read up to here ("seen"); null when read receipts are off on either side.
   */
  seenUpTo: messageId.nullable(),
  /** Muted by the caller: no notifications or badge for it. */
  muted: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Conversation = z.infer<typeof conversation>;

export const openConversationInput = z.object({ userId });

export const markReadInput = z.object({ conversationId, messageId });
export type MarkReadInput = z.infer<typeof markReadInput>;

/** "Delete for me": hides the history so far from the caller only. */
export const clearConversationInput = z.object({ conversationId });

export const muteConversationInput = z.object({ conversationId, muted: z.boolean() });

export const groupName = text('A group name is text.')
  .trim()
  .min(limits.groupName.min, { error: 'Give the group a name.' })
  .max(limits.groupName.max, { error: `A group name has at most ${limits.groupName.max} characters.` });

const otherMembers = z
  .array(userId, { error: 'Members are a list of user ids.' })
  .min(1, { error: 'Add at least one friend.' })
  .max(limits.groupMembers.max - 1, {
    error: `A group has at most ${limits.groupMembers.max} members.`,
  })
  .refine((ids) => new Set(ids).size === ids.length, { error: 'Each member is listed once.' });

/** A group with some of the caller's friends; the caller becomes its owner. */
export const createGroupInput = z.object({ name: groupName, memberIds: otherMembers });
export type CreateGroupInput = z.infer<typeof createGroupInput>;

export const renameGroupInput = z.object({ conversationId, name: groupName });
export const addGroupMembersInput = z.object({ conversationId, userIds: otherMembers });
export const removeGroupMemberInput = z.object({ conversationId, userId });
export const leaveGroupInput = z.object({ conversationId });

/** A group as every member sees it: used by the events that announce its changes. */
export const groupInfo = z.object({
  id: conversationId,
  name: z.string(),
  ownerId: userId.nullable(),
  /** The group's photo (see `publicUser.avatarUrl`); null: none, or an event from before avatars. */
  avatarUrl: avatarUrl.nullable().default(null),
  /** Everyone in it, the recipient included. */
  members: z.array(publicUser),
});
export type GroupInfo = z.infer<typeof groupInfo>;
