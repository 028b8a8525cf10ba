import { createHash } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import type { Viewer } from '../core/types';
import { hashSecret, newSecret } from './api-token-secrets';

export interface TokenConfig {
  /** HMAC key that signs new access tokens; at least 32 bytes of entropy. */
  jwtSecret: string;
  /** Keys being rotated out: tokens they signed still verify until they expire. */
  previousSecrets?: readonly string[];
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

/** A key's public name in the token header: a hash prefix, which reveals nothing of the key. */
function keyId(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url').slice(0, 12);
}

function importKey(secret: string) {
  return crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
}

export function createTokenService(config: TokenConfig): TokenService {
  // Imported once: jose would otherwise import the raw secret on every sign and verify.
  const kid = keyId(config.jwtSecret);
  const key = importKey(config.jwtSecret);
  const verifiers = new Map([[kid, key]]);
  for (const old of config.previousSecrets ?? []) verifiers.set(keyId(old), importKey(old));
  return {
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
    async signAccessToken({ userId, sessionId }) {
      const expiresAt = new Date(Date.now() + config.accessTokenTtlSeconds * 1000);
      const token = await new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', kid })
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
        // The header names the key; an unknown name (or none: older tokens) means the current one.
        const named = decodeProtectedHeader(token).kid;
        const verifier = (typeof named === 'string' ? verifiers.get(named) : undefined) ?? key;
        const { payload } = await jwtVerify(token, await verifier, {
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
export const newRefreshToken = newSecret;

export const hashRefreshToken = hashSecret;
