import { apiTokens, users, type Database } from '@pigeon/db';
import { limits, type ApiToken, type CreatedApiToken, type createApiTokenInput } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, count, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { ChangeScope } from '../core/changes';
import type { Tx } from '../core/types';
import { newApiTokenSecret } from './api-token-secrets';
import { ownedBot } from './bots';

type TokenRow = typeof apiTokens.$inferSelect;

const DAY_MS = 24 * 60 * 60 * 1000;

function toApiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    scope: row.scope,
    hint: row.hint,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

const live = () => or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`));

/** Whose tokens the viewer is asking about: their own, or one of their bots' (else NOT_FOUND). */
async function holderOf(db: Database | Tx, viewerId: string, botId: string | undefined): Promise<string> {
  if (botId === undefined) return viewerId;
  return (await ownedBot(db, viewerId, botId)).id;
}

/**
 * A new token for the viewer or one of their bots. The answer carries the secret, the only time
 * it is ever shown: only its hash is stored.
 */
export async function createApiToken(
  db: Database,
  viewerId: string,
  input: z.infer<typeof createApiTokenInput>,
): Promise<CreatedApiToken> {
  return db.transaction(async (tx) => {
    const holder = await holderOf(tx, viewerId, input.botId);
    // Serialises the count below with any other create for the same holder.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, holder)).for('update');
    const [held] = await tx
      .select({ n: count() })
      .from(apiTokens)
      .where(and(eq(apiTokens.userId, holder), live()));
    if ((held?.n ?? 0) >= limits.apiTokensPerAccount.max) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `An account may hold at most ${limits.apiTokensPerAccount.max} API tokens; revoke one first.`,
      });
    }
    const { secret, hash, hint } = newApiTokenSecret();
    const [row] = await tx
      .insert(apiTokens)
      .values({
        userId: holder,
        name: input.name,
        scope: input.scope,
        tokenHash: hash,
        hint,
        expiresAt: input.expiresInDays === null ? null : new Date(Date.now() + input.expiresInDays * DAY_MS),
      })
      .returning();
    if (!row) throw new Error('token insert returned nothing');
    return { token: toApiToken(row), secret };
  });
}

/** The viewer's live tokens (or one bot's), newest first; never a secret. */
export async function listApiTokens(
  db: Database,
  viewerId: string,
  botId: string | undefined,
): Promise<ApiToken[]> {
  const holder = await holderOf(db, viewerId, botId);
  const rows = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, holder), live()))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map(toApiToken);
}

/**
 * Revokes one of the viewer's tokens or of their bots' tokens: the row goes, and every instance
 * closes the sockets using it (the outbox announces it like an ended session).
 */
export async function revokeApiToken(
  scope: ChangeScope,
  viewerId: string,
  tokenId: string,
): Promise<{ revoked: true }> {
  const mine = scope.db
    .select({ id: users.id })
    .from(users)
    .where(or(eq(users.id, viewerId), eq(users.ownerId, viewerId)));
  const [gone] = await scope.db
    .delete(apiTokens)
    .where(and(eq(apiTokens.id, tokenId), inArray(apiTokens.userId, mine)))
    .returning({ id: apiTokens.id });
  if (!gone) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such API token.' });
  scope.outbox.sessionsEnded([gone.id]);
  return { revoked: true };
}
