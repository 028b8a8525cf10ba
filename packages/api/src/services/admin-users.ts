import { apiTokens, messages, sessions, users, type Database } from '@pigeon/db';
import type { AdminStats, AdminUser, RegistrationMode } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, asc, count, eq, gt, ilike, inArray, isNotNull, isNull, or } from 'drizzle-orm';
import type { ChangeScope } from '../core/changes';
import type { Tx } from '../core/types';
import type { PresenceStore } from '../presence-store';
import { eraseAccount } from './account-deletion';
import { registrationMode } from './registration';

type UserRow = typeof users.$inferSelect;

const toAdminUser = (u: UserRow): AdminUser => ({
  id: u.id,
  username: u.username,
  email: u.email,
  isAdmin: u.isAdmin,
  createdAt: u.createdAt.toISOString(),
  deactivatedAt: u.deactivatedAt?.toISOString() ?? null,
  lastSeenAt: u.lastSeenAt?.toISOString() ?? null,
});

/** Live accounts by username, optionally those whose username or email starts with `query`. */
export async function listUsers(
  db: Database,
  input: { query?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ users: AdminUser[]; nextCursor: string | null }> {
  // LIKE's own wildcards in what the admin typed are meant literally.
  const prefix = input.query ? `${input.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await db
    .select()
    .from(users)
    .where(
      and(
        isNull(users.deletedAt),
        prefix ? or(ilike(users.username, prefix), ilike(users.email, prefix)) : undefined,
        input.cursor ? gt(users.username, input.cursor) : undefined,
      ),
    )
    .orderBy(asc(users.username))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  return {
    users: page.map(toAdminUser),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.username ?? null) : null,
  };
}

async function targetOf(db: Database, adminId: string, userId: string): Promise<UserRow> {
  if (userId === adminId) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'That is your own account: change it from your profile instead.',
    });
  }
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)));
  if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such user.' });
  return user;
}

/**
 * Deactivating ends every session of the user at once (their sockets close on every instance)
 * and refuses their logins until reactivated; nothing of theirs is deleted.
 */
export async function setUserActive(
  scope: ChangeScope,
  adminId: string,
  input: { userId: string; active: boolean },
): Promise<AdminUser> {
  await targetOf(scope.db, adminId, input.userId);
  const { user, ended } = await scope.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(users)
      .set({ deactivatedAt: input.active ? null : new Date() })
      .where(eq(users.id, input.userId))
      .returning();
    const endedSessions = input.active
      ? []
      : await tx
          .update(sessions)
          .set({ revokedAt: new Date() })
          .where(and(eq(sessions.userId, input.userId), isNull(sessions.revokedAt)))
          .returning({ id: sessions.id });
    // API tokens (theirs and their bots') are refused while deactivated: their sockets close too.
    const stoppedTokens = input.active ? [] : await apiTokensOf(tx, input.userId);
    return { user: updated, ended: [...endedSessions.map((s) => s.id), ...stoppedTokens] };
  });
  if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such user.' });
  scope.outbox.sessionsEnded(ended);
  return toAdminUser(user);
}

/** Deletes an account as its owner would (see account-deletion.ts), without their password. */
export async function deleteUserAsAdmin(
  scope: ChangeScope,
  adminId: string,
  userId: string,
): Promise<{ deleted: true }> {
  await targetOf(scope.db, adminId, userId);
  scope.outbox.sessionsEnded(await eraseAccount(scope, userId));
  return { deleted: true };
}

export async function serverStats(
  db: Database,
  presence: PresenceStore,
  fallback: RegistrationMode,
): Promise<AdminStats> {
  const [[people], [deactivated], [sent], connectedUsers, mode] = await Promise.all([
    db.select({ n: count() }).from(users).where(isNull(users.deletedAt)),
    db
      .select({ n: count() })
      .from(users)
      .where(and(isNull(users.deletedAt), isNotNull(users.deactivatedAt))),
    db.select({ n: count() }).from(messages).where(isNull(messages.deletedAt)),
    presence.countConnected(),
    registrationMode(db, fallback),
  ]);
  return {
    users: people?.n ?? 0,
    deactivatedUsers: deactivated?.n ?? 0,
    messages: sent?.n ?? 0,
    connectedUsers,
    registrationMode: mode,
  };
}

/** The ids of the API tokens of a user and of the bots they own. */
async function apiTokensOf(tx: Tx, userId: string): Promise<string[]> {
  const holders = tx
    .select({ id: users.id })
    .from(users)
    .where(or(eq(users.id, userId), eq(users.ownerId, userId)));
  const rows = await tx
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(inArray(apiTokens.userId, holders));
  return rows.map((r) => r.id);
}
