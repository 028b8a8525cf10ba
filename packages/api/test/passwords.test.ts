// Passwords are hashed and checked in their NFKC form; hashes made before that, from the password
// as typed, keep working and are replaced by an NFKC hash on the first login.
import { users } from '@pigeon/db';
import { hash } from '@node-rs/argon2';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createRateLimits, DEFAULT_RATE_LIMITS } from '../src/rate-limits';
import { checkUserPassword, hashPassword, matchPassword } from '../src/services/passwords';
import { login } from '../src/services/sign-in';
import { createTokenService } from '../src/services/tokens';
import { outcome, useWorld } from './support/world';
import { createSecretBox } from '../src/services/secret-box';

/** Not NFKC: a full-width "Ｐ", the "ﬁ" ligature and a decomposed "é" (e + U+0301). */
const TYPED = 'Ｐigeon ﬁsh cafe\u0301 42';
const NFKC = 'Pigeon fish café 42';

describe('NFKC passwords', () => {
  const world = useWorld('pglite');
  const tokens = createTokenService({
    jwtSecret: 'nfkc-passwords-test'.padEnd(40, '!'),
    accessTokenTtlSeconds: 60,
    refreshTokenTtlSeconds: 3_600,
  });
  const call = () => ({
    ...world().call(),
    tokens,
    rateLimits: createRateLimits(DEFAULT_RATE_LIMITS, null),
    ip: '10.0.0.2',
    userAgent: null,
    cookies: null,
    registrationModeDefault: 'open' as const,
    secretBox: createSecretBox({}),
  });
  const rowOf = async (id: string) => {
    const [row] = await world().db.select().from(users).where(eq(users.id, id));
    if (!row) throw new Error(`no user ${id}`);
    return row;
  };

  it('the typed form is the NFKC form used here', () => {
    expect(TYPED.normalize('NFKC')).toBe(NFKC);
    expect(TYPED).not.toBe(NFKC);
  });

  it('hashes the NFKC form, so either way of typing the password matches', async () => {
    const stored = await hashPassword(TYPED);
    expect(await matchPassword(stored, TYPED)).toBe('match');
    expect(await matchPassword(stored, NFKC)).toBe('match');
    expect(await matchPassword(stored, 'Pigeon fish cafe 42')).toBe('none');
  });

  it('logs in with a hash made from the raw password, once by the raw check, and rehashes it as NFKC', async () => {
    const id = await world().user('legacy');
    // What the server stored before normalising: the argon2 hash of the password as typed.
    const legacyHash = await hash(TYPED, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    await world().db.update(users).set({ passwordHash: legacyHash }).where(eq(users.id, id));
    expect(await matchPassword(legacyHash, TYPED)).toBe('legacy');
    const { username } = await rowOf(id);

    expect(await outcome(login(call(), { username, password: TYPED, cookie: false }))).toBe('fulfilled');

    const rehashed = (await rowOf(id)).passwordHash;
    expect(rehashed).not.toBe(legacyHash);
    expect(await matchPassword(rehashed, TYPED)).toBe('match');
    // Now the other way of typing it works too, and a wrong password still does not.
    expect(await outcome(login(call(), { username, password: NFKC, cookie: false }))).toBe('fulfilled');
    expect(await outcome(login(call(), { username, password: 'Pigeon fish cafe 42', cookie: false }))).toBe(
      'UNAUTHORIZED: Wrong username or password.',
    );
    expect((await rowOf(id)).passwordHash).toBe(rehashed);
  });

  it('does not overwrite a password changed between the check and the rehash', async () => {
    const id = await world().user('raced');
    const legacyHash = await hash(TYPED, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const changedMeanwhile = await hashPassword('a newer password entirely');
    await world().db.update(users).set({ passwordHash: changedMeanwhile }).where(eq(users.id, id));

    // The check saw the old row; the row now holds the newer password's hash.
    expect(await checkUserPassword(world().db, { id, passwordHash: legacyHash }, TYPED)).toBe(true);
    expect((await rowOf(id)).passwordHash).toBe(changedMeanwhile);
  });
});
