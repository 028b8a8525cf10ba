import { emailLinks, type Database } from '@pigeon/db';
import { TRPCError } from '@trpc/server';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Tx } from '../core/types';
import { hashSecret, newSecret } from './api-token-secrets';

export type EmailLinkPurpose = (typeof emailLinks.$inferSelect)['purpose'];
type EmailLinkRow = typeof emailLinks.$inferSelect;

/** How long a link works: a reset is urgent and powerful, a verification may wait for a day. */
export const LINK_LIFETIME_MS: Record<EmailLinkPurpose, number> = {
  password_reset: 30 * 60_000,
  email_verification: 24 * 60 * 60_000,
};

/** Where each kind of link opens in the web app. */
const PAGE: Record<EmailLinkPurpose, string> = {
  password_reset: '/reset',
  email_verification: '/verify',
};

/** The path of a link, relative to the server's public origin. */
export const linkPath = (purpose: EmailLinkPurpose, token: string) =>
  `${PAGE[purpose]}?token=${encodeURIComponent(token)}`;

/**
 * A new single-use link for `userId`. Its token (256 random bits) is returned this once and kept
 * only as a hash; older unused links of the same purpose stop working, so only the newest counts.
 */
export async function issueEmailLink(
  db: Database,
  link: { userId: string; purpose: EmailLinkPurpose; email: string | null; lifetimeMs?: number },
): Promise<{ token: string; expiresAt: Date }> {
  const { token, hash: tokenHash } = newSecret();
  const expiresAt = new Date(Date.now() + (link.lifetimeMs ?? LINK_LIFETIME_MS[link.purpose]));
  await db.transaction(async (tx) => {
    await retireEmailLinks(tx, link.userId, link.purpose);
    await tx.insert(emailLinks).values({
      userId: link.userId,
      purpose: link.purpose,
      email: link.email,
      tokenHash,
      expiresAt,
    });
  });
  return { token, expiresAt };
}

/** Every unused link of that purpose of the user stops working. */
export async function retireEmailLinks(tx: Tx, userId: string, purpose: EmailLinkPurpose): Promise<void> {
  await tx
    .update(emailLinks)
    .set({ usedAt: new Date() })
    .where(and(eq(emailLinks.userId, userId), eq(emailLinks.purpose, purpose), isNull(emailLinks.usedAt)));
}

/** The server's clock, read through Date.now (which tests can move). */
const now = () => new Date(Date.now());

const unusable = () =>
  new TRPCError({
    code: 'BAD_REQUEST',
    message: 'This link has expired or has already been used. Ask for a new one.',
  });

/** The link a token opens, if it is still unused and unexpired; nothing is spent yet. */
export async function findUsableLink(
  db: Database | Tx,
  token: string,
  purpose: EmailLinkPurpose,
): Promise<EmailLinkRow> {
  const [row] = await db
    .select()
    .from(emailLinks)
    .where(
      and(
        eq(emailLinks.tokenHash, hashSecret(token)),
        eq(emailLinks.purpose, purpose),
        isNull(emailLinks.usedAt),
        gt(emailLinks.expiresAt, now()),
      ),
    );
  if (!row) throw unusable();
  return row;
}

/**
 * Spends the link in one conditional statement, so of two uses racing only one gets through; the
 * other is refused like a used link.
 */
export async function spendLink(tx: Tx, link: EmailLinkRow): Promise<void> {
  const spent = await tx
    .update(emailLinks)
    .set({ usedAt: new Date() })
    .where(and(eq(emailLinks.id, link.id), isNull(emailLinks.usedAt), gt(emailLinks.expiresAt, now())))
    .returning({ id: emailLinks.id });
  if (spent.length === 0) throw unusable();
}
