import { users, type Database } from '@pigeon/db';
import { hash, verify } from '@node-rs/argon2';
import { and, eq } from 'drizzle-orm';

/**
 * Argon2id (the library's default algorithm) with OWASP's recommended minimum: 19 MiB, 2
 * passes, 1 lane. Hashing runs on libuv's thread pool, off the event loop.
 */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * NIST SP 800-63B asks for Unicode normalisation (NFKC) of passwords before hashing, so that the
 * same password typed on another keyboard or system (composed or decomposed "é", a full-width
 * letter, a ligature) is the same password.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Hashes the password's NFKC form. */
export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), OPTIONS);
}

async function argon2Matches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * `match`: the NFKC form matches. `legacy`: only the password as typed does, because its hash
 * was made before passwords were normalised; it should be hashed again (`checkUserPassword`).
 */
export type PasswordMatch = 'match' | 'legacy' | 'none';

/**
 * Checks the NFKC form, then, for a password that normalising changes, the form as typed. Both
 * checks run whenever the forms differ, whatever the first one said, so how long an answer takes
 * says nothing about which form matched or whether the account exists (see `verifyAgainstDummy`).
 */
export async function matchPassword(passwordHash: string, password: string): Promise<PasswordMatch> {
  const normalized = normalizePassword(password);
  const nfkc = await argon2Matches(passwordHash, normalized);
  const raw = normalized !== password && (await argon2Matches(passwordHash, password));
  return nfkc ? 'match' : raw ? 'legacy' : 'none';
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return (await matchPassword(passwordHash, password)) !== 'none';
}

/**
 * Checks a user's password; a hash made from the password as typed (before normalisation) is
 * replaced by one of its NFKC form on the first success, so the legacy check is needed once. The
 * update is conditional on the old hash, so it cannot undo a password change made meanwhile.
 */
export async function checkUserPassword(
  db: Database,
  user: { id: string; passwordHash: string },
  password: string,
): Promise<boolean> {
  const match = await matchPassword(user.passwordHash, password);
  if (match === 'legacy') {
    await db
      .update(users)
      .set({ passwordHash: await hashPassword(password) })
      .where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash)));
  }
  return match !== 'none';
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, so a login for an unknown name is not faster. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('pigeon-dummy-password');
  await matchPassword(await dummyHash, password);
  return false;
}
