import { users, type Database } from '@pigeon/db';
import type { PublicUser, UserSearchOutput } from '@pigeon/schema';
import { and, isNull, ne, sql } from 'drizzle-orm';
import { notBlockedWith } from './blocks';

const usernameKey = sql<string>`lower(${users.username})`;

/**
 * Prefix search over the `lower(username) text_pattern_ops` index. A range (`~>=~`, `~<~`)
 * instead of LIKE keeps the index usable with bound parameters; usernames are ASCII below
 * U+007F, so prefix + U+007F bounds every name that starts with the prefix.
 */
export async function searchUsers(
  db: Database,
  viewerId: string,
  input: { query: string; cursor?: string | undefined; limit: number },
): Promise<UserSearchOutput> {
  const prefix = input.query.toLowerCase();
  const from = input.cursor !== undefined && input.cursor > prefix ? input.cursor : null;
  const rows = await db
    .select({ id: users.id, username: users.username, isBot: users.isBot, key: usernameKey })
    .from(users)
    .where(
      and(
        from === null ? sql`${usernameKey} ~>=~ ${prefix}` : sql`${usernameKey} ~>~ ${from}`,
        sql`${usernameKey} ~<~ ${prefix + '\u007f'}`,
        ne(users.id, viewerId),
        notBlockedWith(viewerId, users.id),
        isNull(users.deletedAt),
      ),
    )
    .orderBy(sql`${usernameKey} using ~<~`)
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    users: page.map(({ id, username, isBot }): PublicUser => ({ id, username, isBot })),
    nextCursor: rows.length > input.limit && last ? last.key : null,
  };
}
