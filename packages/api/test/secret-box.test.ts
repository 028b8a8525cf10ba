import { describe, expect, it } from 'vitest';
import { createSecretBox, SecretBoxError } from '../src/services/secret-box';

const KEY = 'a'.repeat(20) + 'first key, 32+ characters';
const NEXT = 'b'.repeat(20) + 'second key, 32+ characters';
const SECRET = 'JBSWY3DPEHPK3PXP';

describe('the secret box', () => {
  it('seals so the secret is not in the stored value, and opens it again', () => {
    const box = createSecretBox({ key: KEY });
    const stored = box.seal(SECRET);
    expect(stored).toMatch(/^sealed:v1:/);
    expect(stored).not.toContain(SECRET);
    expect(box.seal(SECRET)).not.toBe(stored); // a fresh IV each time
    expect(box.open(stored)).toBe(SECRET);
    expect(box.isStale(stored)).toBe(false);
  });

  it('without a key stores secrets as they are, and still reads plain ones with a key', () => {
    const plain = createSecretBox({});
    expect(plain.sealing).toBe(false);
    expect(plain.seal(SECRET)).toBe(SECRET);
    expect(plain.isStale(SECRET)).toBe(false);
    const box = createSecretBox({ key: KEY });
    expect(box.open(SECRET)).toBe(SECRET);
    expect(box.isStale(SECRET)).toBe(true);
  });

  it('refuses a value that was altered, or sealed under a key it does not have', () => {
    const stored = createSecretBox({ key: KEY }).seal(SECRET);
    const box = createSecretBox({ key: KEY });
    // A character well inside the ciphertext (the last one may carry only padding bits).
    const at = stored.length - 5;
    const altered = stored.slice(0, at) + (stored[at] === 'A' ? 'B' : 'A') + stored.slice(at + 1);
    expect(() => box.open(altered)).toThrow(/altered/);
    expect(() => createSecretBox({ key: NEXT }).open(stored)).toThrow(/does not have/);
    expect(() => createSecretBox({}).open(stored)).toThrow(SecretBoxError);
  });

  it('rotates: a previous key still opens, and its values count as stale', () => {
    const old = createSecretBox({ key: KEY }).seal(SECRET);
    const box = createSecretBox({ key: NEXT, previousKeys: [KEY] });
    expect(box.open(old)).toBe(SECRET);
    expect(box.isStale(old)).toBe(true);
    const resealed = box.seal(box.open(old));
    expect(box.isStale(resealed)).toBe(false);
    expect(() => createSecretBox({ key: KEY }).open(resealed)).toThrow(SecretBoxError);
  });
});
