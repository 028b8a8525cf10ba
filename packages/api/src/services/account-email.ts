import { users, type Database } from '@pigeon/db';
import { TRPCError } from '@trpc/server';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Outbox } from '../core/changes';
import type { Logger } from '../core/types';
import type { EmailDelivery } from '../mailer';
import type { RateLimits } from '../rate-limits';

/** What the recovery services need of a call. */
export interface RecoveryCall {
  db: Database;
  rateLimits: RateLimits;
  ip: string | null;
  outbox: Outbox;
  log: Logger;
  email?: EmailDelivery | undefined;
}

/** The rate-limit key of an email address, the same however it is capitalised. */
export const addressKey = (email: string) => `email:${email.trim().toLowerCase()}`;

/** Refuses, readably, what needs email on a server that has none. */
export function requireEmailDelivery(delivery: EmailDelivery | undefined): EmailDelivery {
  if (!delivery) {
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: 'This server does not send email. Ask the server’s admin to reset your password.',
    });
  }
  return delivery;
}

/** A person (not a bot, not deleted) with that email, whatever its capitals. */
export async function personByEmail(db: Database, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(
      and(
        sql`lower(${users.email}) = ${email.trim().toLowerCase()}`,
        isNull(users.deletedAt),
        eq(users.isBot, false),
      ),
    );
  return user;
}
