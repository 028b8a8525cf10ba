import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/*
 * Secrets the server must read back (two-factor secrets, unlike passwords and tokens, which are
 * only ever compared as hashes) are sealed with AES-256-GCM under a key from the environment
 * (DATA_ENCRYPTION_KEY), so a leaked database dump or backup does not hand out everyone's second
 * factor. Without a key they are stored as they are, as before; sealed values name their key, so
 * keys can be rotated (old ones kept in DATA_ENCRYPTION_PREVIOUS_KEYS until the start-up pass has
 * sealed everything again under the new one).
 */

const PREFIX = 'sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretBox {
  /** True when a key is set: `seal` then encrypts. */
  readonly sealing: boolean;
  /** The value to store: sealed under the current key, or the secret itself without one. */
  seal(secret: string): string;
  /** The secret from a stored value, sealed (under any known key) or plain. */
  open(stored: string): string;
  /** Whether a stored value should be sealed again: plain while a key is set, or under an old key. */
  isStale(stored: string): boolean;
}

export class SecretBoxError extends Error {}

interface Key {
  id: string;
  bytes: Buffer;
}

function deriveKey(material: string): Key {
  const bytes = Buffer.from(hkdfSync('sha256', material, 'pigeon', 'stored secrets v1', 32));
  // A short public fingerprint of the derived key, so a sealed value says which key opens it.
  const id = createHash('sha256').update(bytes).digest('base64url').slice(0, 8);
  return { id, bytes };
}

export function createSecretBox(options: {
  key?: string | undefined;
  previousKeys?: readonly string[];
}): SecretBox {
  const current = options.key ? deriveKey(options.key) : null;
  const known = new Map<string, Key>();
  for (const key of [...(current ? [current] : []), ...(options.previousKeys ?? []).map(deriveKey)]) {
    known.set(key.id, key);
  }
  const keyIdOf = (stored: string) => stored.slice(PREFIX.length).split(':', 1)[0] ?? '';

  return {
    sealing: current !== null,
    seal(secret) {
      if (!current) return secret;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.bytes, iv);
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return `${PREFIX}${current.id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      const key = known.get(keyIdOf(stored));
      if (!key) {
        throw new SecretBoxError(
          'A stored secret is sealed under a key this server does not have (DATA_ENCRYPTION_KEY / DATA_ENCRYPTION_PREVIOUS_KEYS).',
        );
      }
      const raw = Buffer.from(stored.slice(PREFIX.length + key.id.length + 1), 'base64url');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.bytes, raw.subarray(0, IV_BYTES));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new SecretBoxError(
          'A stored secret does not open: it was altered or sealed under another key.',
        );
      }
    },
    isStale(stored) {
      if (!current) return false;
      return !stored.startsWith(PREFIX) || keyIdOf(stored) !== current.id;
    },
  };
}
