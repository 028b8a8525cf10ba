import { users, type Database } from '@pigeon/db';
import type { PublicUser } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../core/types';
import { publicUserColumns, toPublicUser } from './public-user';

/** A live (not deleted) user's public face, by id. */
export async function findLiveUser(db: Database | Tx, id: string): Promise<PublicUser | undefined> {
  const [user] = await db
    .select(publicUserColumns)
    .from(users)
    .where(and(eq(users.id, id), isNull(users.deletedAt)));
  return user && toPublicUser(user);
}

/** A live user's row by name, case-insensitively. */
export async function findUserByUsername(db: Database, username: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(and(sql`lower(${users.username}) = ${username.toLowerCase()}`, isNull(users.deletedAt)));
  return user;
}

/** After a unique-index conflict: which of the two was taken, as a CONFLICT to show by the field. */
export async function whichIsTaken(
  db: Database | Tx,
  wanted: { username?: string | undefined; email?: string | undefined },
): Promise<TRPCError> {
  if (wanted.username !== undefined) {
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.username}) = ${wanted.username.toLowerCase()}`);
    if (user) return new TRPCError({ code: 'CONFLICT', message: 'That username is taken.' });
  }
  return new TRPCError({ code: 'CONFLICT', message: 'That email is already registered.' });
}
