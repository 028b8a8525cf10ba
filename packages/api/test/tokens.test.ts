import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/services/passwords';
import { createTokenService, hashRefreshToken, newRefreshToken } from '../src/services/tokens';

const secret = 'unit-test-secret'.padEnd(40, '!');

describe('tokens', () => {
  it('signs HS256 access tokens that verify to the viewer', async () => {
    const tokens = createTokenService({
      jwtSecret: secret,
      accessTokenTtlSeconds: 60,
      refreshTokenTtlSeconds: 3600,
    });
    const { token, expiresAt } = await tokens.signAccessToken({ userId: 'u1', sessionId: 's1' });
    expect(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString())).toMatchObject({
      alg: 'HS256',
    });
    const viewer = await tokens.verifyAccessToken(token);
    expect(viewer).toEqual({
      userId: 'u1',
      sessionId: 's1',
      expiresAt: Math.floor(expiresAt.getTime() / 1000) * 1000,
    });
  });

  it('rejects a token signed with another secret', async () => {
    const mine = createTokenService({
      jwtSecret: secret,
      accessTokenTtlSeconds: 60,
      refreshTokenTtlSeconds: 3600,
    });
    const theirs = createTokenService({
      jwtSecret: secret + 'x',
      accessTokenTtlSeconds: 60,
      refreshTokenTtlSeconds: 3600,
    });
    const { token } = await theirs.signAccessToken({ userId: 'u1', sessionId: 's1' });
    expect(await mine.verifyAccessToken(token)).toBeNull();
  });

  it('makes random refresh tokens and stores only their hash', () => {
    const a = newRefreshToken();
    const b = newRefreshToken();
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashRefreshToken(a.token));
    expect(a.hash).not.toContain(a.token);
  });
});

describe('passwords', () => {
  it('hashes with Argon2id at OWASP parameters and verifies', async () => {
    const hash = await hashPassword('hunter2 hunter2');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'hunter2 hunter2')).toBe(true);
    expect(await verifyPassword(hash, 'hunter3 hunter3')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });

  it('rotates keys: the new key signs, tokens of the old one still verify, others do not', async () => {
    const oldSecret = 'old-rotation-secret'.padEnd(40, '!');
    const before = createTokenService({
      jwtSecret: oldSecret,
      accessTokenTtlSeconds: 60,
      refreshTokenTtlSeconds: 3600,
    });
    const after = createTokenService({
      jwtSecret: secret,
      previousSecrets: [oldSecret],
      accessTokenTtlSeconds: 60,
      refreshTokenTtlSeconds: 3600,
    });
    const retired = createTokenService({
      jwtSecret: secret,
      accessTokenTtlSeconds: 60,
      refreshTokenTtlSeconds: 3600,
    });
    const old = await before.signAccessToken({ userId: 'u1', sessionId: 's1' });
    const fresh = await after.signAccessToken({ userId: 'u2', sessionId: 's2' });
    expect(await after.verifyAccessToken(old.token)).toMatchObject({ userId: 'u1' });
    expect(await after.verifyAccessToken(fresh.token)).toMatchObject({ userId: 'u2' });
    expect(await retired.verifyAccessToken(old.token)).toBeNull(); // once the old key is dropped
    const header = JSON.parse(Buffer.from(fresh.token.split('.')[0] ?? '', 'base64url').toString()) as {
      kid?: string;
    };
    expect(header.kid).toMatch(/^[\w-]{12}$/);
    expect(fresh.token).not.toContain(secret);
  });
});
