import { users } from '@pigeon/db';
import type { PublicUser } from '@pigeon/schema';

/**
 * The columns of a user's public face, for `select(…)`: every list of people selects these, so a
 * new public field is added here once rather than in each query. Rows become `PublicUser`s
 * through `toPublicUser`.
 */
export const publicUserColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  isBot: users.isBot,
  avatarKey: users.avatarKey,
};

export interface PublicUserRow {
  id: string;
  username: string;
  displayName: string | null;
  isBot: boolean;
  avatarKey: string | null;
}

/** Where the photo stored under `key` is served (see routes in apps/server: avatars). */
export function avatarUrlOf(key: string | null): string | null {
  return key === null ? null : `/api/v1/avatars/${key}.webp`;
}

/** Only the public fields of a row that holds more. */
export function toPublicUser(row: PublicUserRow): PublicUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    isBot: row.isBot,
    avatarUrl: avatarUrlOf(row.avatarKey),
  };
}
