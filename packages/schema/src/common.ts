import { z } from 'zod';

export const userId = z.uuid({ error: 'Must be a user id (UUID).' });
export const conversationId = z.uuid({ error: 'Must be a conversation id (UUID).' });
export const requestId = z.uuid({ error: 'Must be a friend request id (UUID).' });
/** Message ids are a database sequence: ordered, so history pages by id. */
export const messageId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Timestamps travel as ISO 8601 in UTC (`…Z`); the viewer's zone is applied on display. */
export const timestamp = z.iso.datetime({ error: 'Must be an ISO 8601 UTC timestamp.' });

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
});
export type PublicUser = z.infer<typeof publicUser>;
