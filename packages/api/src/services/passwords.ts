import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id (the library's default algorithm) with OWASP's recommended minimum: 19 MiB, 2
 * passes, 1 lane. Hashing runs on libuv's thread pool, off the event loop.
 */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * NIST SP 800-63B asks for Unicode normalisation (NFKC) of passwords before hashing, so that the
 * same password typed on another keyboard or system (composed or decomposed "é", a full-width
 * letter) is the same password.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, so a login for an unknown name is not faster. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('pigeon-dummy-password');
  await verifyPassword(await dummyHash, password);
  return false;
}
