import { users, type Database } from '@pigeon/db';
import type { PublicUser } from '@pigeon/schema';
import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../core/types';

/** A live (not deleted) user's public face, by id. */
export async function findLiveUser(db: Database | Tx, id: string): Promise<PublicUser | undefined> {
  const [user] = await db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(and(eq(users.id, id), isNull(users.deletedAt)));
  return user;
}
