import { z } from 'zod';
import { publicUser, userId } from './common';
import { limits } from './limits';
import { searchText, text } from './text';

export const userSearchInput = z.object({
  query: searchText('Search text is required.')
    .trim()
    .min(1, 'Type at least one character to search.')
    .max(limits.searchQuery.max, `Search text must be at most ${limits.searchQuery.max} characters.`),
  cursor: text().max(limits.username.max).optional(),
  limit: z.number().int().min(1).max(limits.page.max).default(limits.page.default),
});
export type UserSearchInput = z.input<typeof userSearchInput>;

export const userSearchOutput = z.object({
  users: z.array(publicUser),
  nextCursor: z.string().nullable(),
});
export type UserSearchOutput = z.infer<typeof userSearchOutput>;

/** How the caller stands with someone, for a profile card's actions. */
export const relationship = z.enum(['self', 'friend', 'request_sent', 'request_received', 'blocked', 'none']);
export type Relationship = z.infer<typeof relationship>;

export const userCard = publicUser.extend({ relationship, memberSince: z.iso.datetime() });
export type UserCard = z.infer<typeof userCard>;

export const userCardInput = z.object({ userId });
