import { users, type Database } from '@pigeon/db';
import { and, eq, isNotNull, or } from 'drizzle-orm';
import type { SecretBox } from './secret-box';

/**
 * The start-up pass: every two-factor secret stored plain, or sealed under a previous key, is
 * sealed again under the current one. Each row changes only if it still holds what was read, so
 * instances starting together (or an enrolment meanwhile) can't overwrite a newer value.
 * Returns how many secrets were sealed again.
 */
export async function resealTwoFactorSecrets(db: Database, box: SecretBox): Promise<number> {
  if (!box.sealing) return 0;
  const rows = await db
    .select({ id: users.id, secret: users.totpSecret, pending: users.totpPendingSecret })
    .from(users)
    .where(or(isNotNull(users.totpSecret), isNotNull(users.totpPendingSecret)));
  let sealed = 0;
  for (const row of rows) {
    for (const column of ['secret', 'pending'] as const) {
      const stored = row[column];
      if (stored === null || !box.isStale(stored)) continue;
      const field = column === 'secret' ? users.totpSecret : users.totpPendingSecret;
      const next = box.seal(box.open(stored));
      const changed = await db
        .update(users)
        .set(column === 'secret' ? { totpSecret: next } : { totpPendingSecret: next })
        .where(and(eq(users.id, row.id), eq(field, stored)))
        .returning({ id: users.id });
      sealed += changed.length;
    }
  }
  return sealed;
}
