import { afterEach, describe, expect, it, vi } from 'vitest';
import { withVerifiedTokenCache } from '../src/services/token-cache';
import { createTokenService, type TokenService } from '../src/services/tokens';

function countingTokens(): { tokens: TokenService; verifications: () => number } {
  const real = createTokenService({
    jwtSecret: 'cache-test-secret'.padEnd(40, '!'),
    accessTokenTtlSeconds: 60,
    refreshTokenTtlSeconds: 3600,
  });
  let count = 0;
  return {
    tokens: {
      ...real,
      verifyAccessToken(token) {
        count++;
        return real.verifyAccessToken(token);
      },
    },
    verifications: () => count,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the verified-token cache', () => {
  it('verifies a token once, then answers from memory with the same viewer', async () => {
    const { tokens, verifications } = countingTokens();
    const cached = withVerifiedTokenCache(tokens);
    const { token } = await cached.signAccessToken({ userId: 'u1', sessionId: 's1' });
    const first = await cached.verifyAccessToken(token);
    const second = await cached.verifyAccessToken(token);
    expect(first).toMatchObject({ userId: 'u1', sessionId: 's1' });
    expect(second).toEqual(first);
    expect(verifications()).toBe(1);
  });

  it('refuses a remembered token once it has expired', async () => {
    const { tokens } = countingTokens();
    const cached = withVerifiedTokenCache(tokens);
    const { token } = await cached.signAccessToken({ userId: 'u1', sessionId: 's1' });
    expect(await cached.verifyAccessToken(token)).not.toBeNull();
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ['Date'] });
    expect(await cached.verifyAccessToken(token)).toBeNull();
  });

  it('never remembers a bad token, and forgets the oldest when full', async () => {
    const { tokens, verifications } = countingTokens();
    const cached = withVerifiedTokenCache(tokens, 2);
    const { token } = await cached.signAccessToken({ userId: 'u1', sessionId: 's1' });
    const tampered = `${token.slice(0, -2)}xx`;
    expect(await cached.verifyAccessToken(tampered)).toBeNull();
    expect(await cached.verifyAccessToken(tampered)).toBeNull();
    expect(verifications()).toBe(2);

    const others = await Promise.all(
      ['s2', 's3'].map(
        async (sessionId) => (await cached.signAccessToken({ userId: 'u1', sessionId })).token,
      ),
    );
    await cached.verifyAccessToken(token);
    for (const other of others) await cached.verifyAccessToken(other); // pushes `token` out
    const before = verifications();
    expect(await cached.verifyAccessToken(token)).toMatchObject({ sessionId: 's1' });
    expect(verifications()).toBe(before + 1);
  });
});
