import { z } from 'zod';
import { publicUser } from './common';
import { limits } from './limits';

export const userSearchInput = z.object({
  query: z
    .string()
    .trim()
    .min(1, 'Type at least one character to search.')
    .max(limits.searchQuery.max, `Search text must be at most ${limits.searchQuery.max} characters.`),
  cursor: z.string().max(limits.username.max).optional(),
  limit: z.number().int().min(1).max(limits.page.max).default(limits.page.default),
});
export type UserSearchInput = z.input<typeof userSearchInput>;

export const userSearchOutput = z.object({
  users: z.array(publicUser),
  nextCursor: z.string().nullable(),
});
export type UserSearchOutput = z.infer<typeof userSearchOutput>;
