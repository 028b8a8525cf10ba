import { createHash } from 'node:crypto';
import { invites, serverSettings, users, type Database } from '@pigeon/db';
import type { RegistrationMode } from '@pigeon/schema';
import { TRPCError } from '@trpc/server';
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Tx } from '../core/types';

/** Any fixed number: registrations take it so that exactly one of them is the first account. */
const FIRST_ACCOUNT_LOCK = 0x70_69_67_61; // "piga"

export const hashInviteCode = (code: string) => createHash('sha256').update(code).digest('hex');

/** The admin's choice, else the environment's default. */
export async function registrationMode(
  db: Database | Tx,
  fallback: RegistrationMode,
): Promise<RegistrationMode> {
  const [row] = await db.select({ mode: serverSettings.registrationMode }).from(serverSettings);
  const mode = row?.mode;
  return mode === 'open' || mode === 'invite' || mode === 'closed' ? mode : fallback;
}

/** The admin's choice; it overrides the environment's default from then on. */
export async function setRegistrationMode(
  db: Database,
  fallback: RegistrationMode,
  mode: RegistrationMode,
): Promise<{ registrationMode: RegistrationMode; registrationModeDefault: RegistrationMode }> {
  await db
    .insert(serverSettings)
    .values({ id: 1, registrationMode: mode })
    .onConflictDoUpdate({
      target: serverSettings.id,
      set: { registrationMode: mode, updatedAt: new Date() },
    });
  return { registrationMode: mode, registrationModeDefault: fallback };
}

/**
 * Inside the transaction that creates an account: refuses it when registration is closed, or
 * invite-only without a usable invite (spending one use of it), and says whether this is the
 * server's first account, which becomes its admin.
 */
export async function admitRegistration(
  tx: Tx,
  fallback: RegistrationMode,
  inviteCode: string | undefined,
): Promise<{ firstAccount: boolean }> {
  await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_ACCOUNT_LOCK})`);
  const [anyone] = await tx.select({ id: users.id }).from(users).limit(1);
  // The first account is how a fresh server gets its admin: it is never refused.
  if (!anyone) return { firstAccount: true };
  const mode = await registrationMode(tx, fallback);
  if (mode === 'closed') {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'Registration is closed on this server. Ask its admin for an account.',
    });
  }
  if (mode === 'invite') {
    if (!inviteCode) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: 'This server is invite-only: open the invite link you were given.',
      });
    }
    const [spent] = await tx
      .update(invites)
      .set({ uses: sql`${invites.uses} + 1` })
      .where(
        and(
          eq(invites.codeHash, hashInviteCode(inviteCode)),
          isNull(invites.revokedAt),
          gt(invites.expiresAt, new Date()),
          lt(invites.uses, invites.maxUses),
        ),
      )
      .returning({ id: invites.id });
    if (!spent) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: 'This invite cannot be used: it has expired, been used up or been revoked.',
      });
    }
  }
  return { firstAccount: false };
}
