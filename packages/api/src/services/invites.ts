import { randomBytes } from 'node:crypto';
import { invites, type Database } from '@pigeon/db';
import type { CreateInviteInput, Invite } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { hashInviteCode } from './registration';

type InviteRow = typeof invites.$inferSelect;

const toInvite = (row: InviteRow): Invite => ({
  id: row.id,
  maxUses: row.maxUses,
  uses: row.uses,
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt.toISOString(),
  revokedAt: row.revokedAt?.toISOString() ?? null,
  usable: row.revokedAt === null && row.uses < row.maxUses && row.expiresAt.getTime() > Date.now(),
});

/** A new invite; its code (144 random bits) is returned this once and kept only as a hash. */
export async function createInvite(
  db: Database,
  adminId: string,
  input: Required<CreateInviteInput>,
): Promise<{ invite: Invite; code: string }> {
  const code = randomBytes(18).toString('base64url');
  const [row] = await db
    .insert(invites)
    .values({
      codeHash: hashInviteCode(code),
      createdBy: adminId,
      maxUses: input.maxUses,
      expiresAt: new Date(Date.now() + input.expiresInHours * 3_600_000),
    })
    .returning();
  if (!row) throw new Error('the invite was not stored');
  return { invite: toInvite(row), code };
}

export async function listInvites(db: Database): Promise<Invite[]> {
  const rows = await db.select().from(invites).orderBy(desc(invites.createdAt)).limit(200);
  return rows.map(toInvite);
}

export async function revokeInvite(db: Database, inviteId: string): Promise<Invite> {
  const [row] = await db
    .update(invites)
    .set({ revokedAt: new Date() })
    .where(and(eq(invites.id, inviteId), isNull(invites.revokedAt)))
    .returning();
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such invite, or it is revoked already.' });
  return toInvite(row);
}
