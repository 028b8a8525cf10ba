import { z } from 'zod';

export const userId = z.uuid({ error: 'Must be a user id (UUID).' });
export const conversationId = z.uuid({ error: 'Must be a conversation id (UUID).' });
export const requestId = z.uuid({ error: 'Must be a friend request id (UUID).' });
/** Message ids are a database sequence: ordered, so history pages by id. */
export const messageId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Timestamps travel as ISO 8601 in UTC (`…Z`); the viewer's zone is applied on display. */
export const timestamp = z.iso.datetime({ error: 'Must be an ISO 8601 UTC timestamp.' });

/** Where an avatar is served: a capability URL (128 random bits), never a guessable one. */
export const avatarKey = z.string().regex(/^[0-9a-f]{32}$/, 'Must be an avatar key (32 hex digits).');
export const avatarUrl = z.string().regex(/^\/api\/v1\/avatars\/[0-9a-f]{32}\.webp$/);

export const publicUser = z.object({
  id: userId,
  username: z.string(),
  /**
   * The name the person chose to be shown by (unique it is not: the username tells people apart).
   * Null when none is set, and for events stored before display names existed.
   */
  displayName: z.string().nullable().default(null),
  /**
   * A bot account (made by a person, acting through API tokens): shown with a "bot" badge.
   * Defaults to false only for events stored before bots existed.
   */
  isBot: z.boolean().default(false),
  /**
   * The person's photo (a 512×512 WebP, relative to the server: `/api/v1/avatars/<key>.webp`);
   * null shows the initials avatar. Each change is a new URL, so it can be cached for good.
   * Null too for events stored before avatars existed.
   */
  avatarUrl: avatarUrl.nullable().default(null),
});
export type PublicUser = z.infer<typeof publicUser>;
