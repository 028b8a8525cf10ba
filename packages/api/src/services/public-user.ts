import { users } from '@pigeon/db';
import type { PublicUser } from '@pigeon/schema';

/**
 * The columns of a user's public face, for `select(…)`: every list of people selects these, so a
 * new public field is added here once rather than in each query.
 */
export const publicUserColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  isBot: users.isBot,
};

/** Only the public fields of a row that holds more. */
export function toPublicUser(row: PublicUser): PublicUser {
  return { id: row.id, username: row.username, displayName: row.displayName, isBot: row.isBot };
}
