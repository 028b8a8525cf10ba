import { apiTokens, users, type Database } from '@pigeon/db';
import { limits, type Bot, type CreateBotInput } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, asc, count, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { ChangeScope } from '../core/changes';
import { openEventStream } from '../core/event-log';
import type { Tx } from '../core/types';
import { eraseAccounts } from './account-deletion';
import { whichIsTaken } from './user-lookup';

/** A password hash no password matches: bots act only through API tokens. */
const NO_PASSWORD = '!';

/** One of the viewer's live bots, or NOT_FOUND (someone else's bot is not revealed). */
export async function ownedBot(db: Database | Tx, ownerId: string, botId: string) {
  const [bot] = await db
    .select({ id: users.id, username: users.username, createdAt: users.createdAt })
    .from(users)
    .where(
      and(eq(users.id, botId), eq(users.ownerId, ownerId), eq(users.isBot, true), isNull(users.deletedAt)),
    );
  if (!bot) throw new TRPCError({ code: 'NOT_FOUND', message: 'You have no such bot.' });
  return bot;
}

/**
 * A bot account owned by the viewer: a username like anyone's (people find it, befriend it and
 * message it), no password and no email. It acts only through tokens its owner makes for it.
 */
export async function createBot(db: Database, ownerId: string, input: CreateBotInput): Promise<Bot> {
  return db.transaction(async (tx) => {
    // Serialises the count below with the owner's other creates.
    const [owner] = await tx
      .select({ isBot: users.isBot })
      .from(users)
      .where(and(eq(users.id, ownerId), isNull(users.deletedAt)))
      .for('update');
    if (!owner) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists.' });
    const [owned] = await tx
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.ownerId, ownerId), isNull(users.deletedAt)));
    if ((owned?.n ?? 0) >= limits.botsPerOwner.max) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `You may have at most ${limits.botsPerOwner.max} bots; delete one first.`,
      });
    }
    const [created] = await tx
      .insert(users)
      .values({ username: input.username, passwordHash: NO_PASSWORD, isBot: true, ownerId })
      .onConflictDoNothing()
      .returning();
    if (!created) throw await whichIsTaken(tx, { username: input.username });
    await openEventStream(tx, created.id);
    return {
      id: created.id,
      username: created.username,
      createdAt: created.createdAt.toISOString(),
      tokenCount: 0,
    };
  });
}

/** The viewer's bots, oldest first, with how many live tokens each holds. */
export async function listBots(db: Database, ownerId: string): Promise<Bot[]> {
  const tokenCount = sql<number>`count(${apiTokens.id})::int`;
  const rows = await db
    .select({ id: users.id, username: users.username, createdAt: users.createdAt, tokenCount })
    .from(users)
    .leftJoin(
      apiTokens,
      and(
        eq(apiTokens.userId, users.id),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)),
      ),
    )
    .where(and(eq(users.ownerId, ownerId), isNull(users.deletedAt)))
    .groupBy(users.id)
    .orderBy(asc(users.createdAt), asc(users.id));
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

/**
 * Deletes one of the viewer's bots as an account is deleted (its messages stay in others'
 * history, anonymised); its tokens go with it, and their sockets close on every instance.
 */
export async function deleteBot(
  scope: ChangeScope,
  ownerId: string,
  botId: string,
): Promise<{ deleted: true }> {
  await ownedBot(scope.db, ownerId, botId);
  const ended = await eraseAccounts(scope, [botId]);
  scope.outbox.sessionsEnded(ended);
  return { deleted: true };
}
