import { z } from 'zod';
import { conversationId, messageId, publicUser, requestId, timestamp, userId } from './common';
import { groupInfo } from './conversations';
import { friend, friendRequest } from './friends';
import { message } from './messages';
import { presenceStatus } from './presence';
import { text } from './text';

/**
 * The events of a user's stream. Every event carries `v`, the contract version of its shape;
 * clients skip types they do not know, so the server can add new ones without breaking them.
 */
export const pigeonEvent = z.discriminatedUnion('type', [
  z.object({ v: z.literal(1), type: z.literal('message.created'), message }),
  /** Edited, deleted or reacted to: the message as it is now, to replace the old copy. */
  z.object({ v: z.literal(1), type: z.literal('message.updated'), message }),
  z.object({ v: z.literal(1), type: z.literal('friend.request_received'), request: friendRequest }),
  z.object({ v: z.literal(1), type: z.literal('friend.request_sent'), request: friendRequest }),
  z.object({ v: z.literal(1), type: z.literal('friend.request_declined'), requestId }),
  z.object({ v: z.literal(1), type: z.literal('friend.added'), requestId, friend }),
  /** The sender withdrew a pending request (to both sides). */
  z.object({ v: z.literal(1), type: z.literal('friend.request_cancelled'), requestId }),
  /** The friendship ended, by either side (to both; a block ends it too). */
  z.object({ v: z.literal(1), type: z.literal('friend.removed'), userId }),
  /** The viewer blocked or unblocked someone (to the viewer's own devices only). */
  z.object({ v: z.literal(1), type: z.literal('user.blocked'), user: publicUser }),
  z.object({ v: z.literal(1), type: z.literal('user.unblocked'), userId }),
  /** Someone's public profile changed (a new name or photo): to their friends and their own devices. */
  z.object({ v: z.literal(1), type: z.literal('user.updated'), user: publicUser }),
  /** The viewer muted or unmuted a conversation (their own devices only). */
  z.object({ v: z.literal(1), type: z.literal('conversation.muted'), conversationId, muted: z.boolean() }),
  /** The viewer deleted a conversation's history for themselves (their own devices only). */
  z.object({
    v: z.literal(1),
    type: z.literal('conversation.cleared'),
    conversationId,
    clearedUpToMessageId: messageId,
  }),
  /**
   * A group was created, renamed, got a new photo (or lost it), or gained or lost members: to everyone in it afterwards.
   * `by` is who did it.
   */
  z.object({
    v: z.literal(1),
    type: z.literal('group.updated'),
    group: groupInfo,
    change: z.enum([
      'created',
      'renamed',
      'avatar_changed',
      'members_added',
      'member_removed',
      'member_left',
    ]),
    by: userId,
  }),
  /** The recipient is no longer in this group (removed, or left from another device). */
  z.object({
    v: z.literal(1),
    type: z.literal('group.removed'),
    conversationId,
    reason: z.enum(['removed', 'left']),
  }),
  /** A member's read marker moved: to the reader's own devices, and to others if both share receipts. */
  z.object({
    v: z.literal(1),
    type: z.literal('conversation.read'),
    conversationId,
    userId,
    lastReadMessageId: messageId,
  }),
]);
export type PigeonEvent = z.infer<typeof pigeonEvent>;
export type PigeonEventType = PigeonEvent['type'];

/** An event as stored and delivered: `id` is its position in the user's stream. */
export type StreamEvent = PigeonEvent & { id: number };

export const eventsSubscribeInput = z.object({
  /** The id of the last event the client has; tRPC fills it in on reconnect. */
  lastEventId: text()
    .regex(/^\d{1,15}$/, 'lastEventId must be an event id.')
    .nullish(),
});
export type EventsSubscribeInput = z.infer<typeof eventsSubscribeInput>;

/** How long a typing signal holds unless renewed: it can never get stuck on screen. */
export const TYPING_TTL_MS = 6_000;

/**
 * Signals that are never stored: they travel on the bus to whoever is connected, are never
 * replayed, and carry the stream's current position as their `id` (like `stream.live`).
 */
export const ephemeralEvent = z.discriminatedUnion('type', [
  z.object({ v: z.literal(1), type: z.literal('typing'), conversationId, userId, expiresAt: timestamp }),
  /** A friend's aggregated status changed (all their tabs and devices together). */
  z.object({
    v: z.literal(1),
    type: z.literal('presence'),
    userId,
    status: presenceStatus,
    lastSeenAt: timestamp.nullable(),
  }),
]);
export type EphemeralEvent = z.infer<typeof ephemeralEvent>;

export const typingInput = z.object({
  conversationId,
  /** false: stopped (the text was cleared); the others' indicator goes at once instead of running out. */
  typing: z.boolean().default(true),
});
