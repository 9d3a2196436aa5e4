import { describe, expect, it } from 'vitest';
import { deriveKeys } from '../src/index.ts';

describe('key derivation', () => {
  it('derives the same keys from the same secret and different keys per purpose', () => {
    const secret = 'a-secret-key-of-at-least-32-characters!';
    const first = deriveKeys(secret);
    const second = deriveKeys(secret);
    expect(Buffer.from(first.tokenSigningKey)).toEqual(Buffer.from(second.tokenSigningKey));
    expect(first.encryptionKey).toEqual(second.encryptionKey);
    expect(first.tokenSigningKey).toHaveLength(32);
    expect(first.encryptionKey).toHaveLength(32);
    expect(Buffer.from(first.tokenSigningKey).equals(first.encryptionKey)).toBe(false);
    expect(deriveKeys(`${secret}x`).encryptionKey.equals(first.encryptionKey)).toBe(false);
  });

  it('refuses a secret shorter than 32 characters', () => {
    expect(() => deriveKeys('too short')).toThrow(RangeError);
  });
});
