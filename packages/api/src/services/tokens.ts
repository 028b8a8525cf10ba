import { createHash, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { Viewer } from '../context';

export interface TokenConfig {
  /** HMAC key for access tokens; at least 32 bytes of entropy. */
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

const ALGORITHM = 'HS256';
const ISSUER = 'pigeon';
const AUDIENCE = 'pigeon';

export interface TokenService {
  readonly refreshTokenTtlSeconds: number;
  signAccessToken(viewer: { userId: string; sessionId: string }): Promise<{ token: string; expiresAt: Date }>;
  /** Null for anything that is not a live token of ours: bad signature, other algorithm, expired. */
  verifyAccessToken(token: string): Promise<Viewer | null>;
}

export function createTokenService(config: TokenConfig): TokenService {
  // Imported once: jose would otherwise import the raw secret on every sign and verify.
  const key = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(config.jwtSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  return {
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
    async signAccessToken({ userId, sessionId }) {
      const expiresAt = new Date(Date.now() + config.accessTokenTtlSeconds * 1000);
      const token = await new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(await key);
      return { token, expiresAt };
    },
    async verifyAccessToken(token) {
      try {
        // The algorithm is pinned: a token naming `none` or another algorithm is refused.
        const { payload } = await jwtVerify(token, await key, {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          audience: AUDIENCE,
          requiredClaims: ['sub', 'exp'],
        });
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || payload.exp === undefined) {
          return null;
        }
        return { userId: payload.sub, sessionId: payload.sid, expiresAt: payload.exp * 1000 };
      } catch {
        return null;
      }
    },
  };
}

/** Refresh tokens are random, so a fast hash is enough to keep the stored value useless if leaked. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
