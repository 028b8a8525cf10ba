import { createHash, randomBytes } from 'node:crypto';
import { API_TOKEN_PREFIX } from '@pigeon/schema';

/** How many characters of a secret its owner sees again in lists: the prefix and 4 more. */
const HINT_LENGTH = API_TOKEN_PREFIX.length + 4;

/**
 * A new API token: 256 random bits behind a recognisable prefix. Only the hash is stored; with
 * that much entropy a fast hash (SHA-256) is enough, and keeps checking a request cheap.
 */
export function newApiTokenSecret(): { secret: string; hash: string; hint: string } {
  const secret = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { secret, hash: hashApiTokenSecret(secret), hint: secret.slice(0, HINT_LENGTH) };
}

export function hashApiTokenSecret(secret: string): string {
  return hashSecret(secret);
}

/**
 * The stored form of a random secret of 256 bits (API tokens, emailed links): SHA-256 is enough
 * at that entropy, and a leaked table gives no usable secret.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** A new random secret of 256 bits (login challenges, emailed links) and its stored form. */
export function newSecret(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecret(token) };
}

/** Whether a bearer token is meant as an API token (rather than a JWT access token). */
export function looksLikeApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX);
}
