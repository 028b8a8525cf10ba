import { users, type Database } from '@pigeon/db';
import type { UserSearchOutput } from '@pigeon/schema';
import { and, isNotNull, isNull, ne, or, sql } from 'drizzle-orm';
import { notBlockedWith } from './blocks';
import { publicUserColumns, toPublicUser } from './public-user';

const usernameKey = sql<string>`lower(${users.username})`;
const displayNameKey = sql<string>`lower(${users.displayName})`;

/**
 * Prefix search over usernames and display names, each on its own `lower(…) text_pattern_ops`
 * index. Ranges (`~>=~`, `~<~`) instead of LIKE keep the indexes usable with bound parameters:
 * usernames are ASCII below U+007F, so prefix + U+007F bounds every name that starts with the
 * prefix; display names may hold any character, so their bound is prefix + U+10FFFF, the greatest
 * code point (its UTF-8 sorts after every other). The display name's prefix is lowered by
 * PostgreSQL too, so both sides of the comparison are lowered the same way. Pages go by username.
 */
export async function searchUsers(
  db: Database,
  viewerId: string,
  input: { query: string; cursor?: string | undefined; limit: number },
): Promise<UserSearchOutput> {
  const prefix = input.query.toLowerCase();
  const namePrefix = sql`lower(${input.query})`;
  const rows = await db
    .select({ ...publicUserColumns, key: usernameKey })
    .from(users)
    .where(
      and(
        or(
          and(sql`${usernameKey} ~>=~ ${prefix}`, sql`${usernameKey} ~<~ ${prefix + '\u007f'}`),
          and(
            isNotNull(users.displayName),
            sql`${displayNameKey} ~>=~ ${namePrefix}`,
            sql`${displayNameKey} ~<~ (${namePrefix} || ${'\u{10FFFF}'})`,
          ),
        ),
        input.cursor === undefined ? undefined : sql`${usernameKey} ~>~ ${input.cursor}`,
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
    users: page.map(toPublicUser),
    nextCursor: rows.length > input.limit && last ? last.key : null,
  };
}
