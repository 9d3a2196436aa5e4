import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, deriveKeys } from '../src/index.ts';

const box = createSecretBox(deriveKeys('a-secret-key-of-at-least-32-characters!').encryptionKey);

function flipFirstByte(part: string): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

describe('secret box', () => {
  it('opens what it sealed, including unicode and the empty string', () => {
    for (const plaintext of ['JBSWY3DPEHPK3PXP', 'مرحبا 👋', '']) {
      expect(box.open(box.seal(plaintext))).toBe(plaintext);
    }
  });

  it('seals as v1.<iv>.<tag>.<ciphertext> with a fresh IV each time', () => {
    const first = box.seal('same secret');
    const second = box.seal('same secret');
    expect(first).not.toBe(second);
    const [version, iv, tag, ciphertext] = first.split('.');
    expect(version).toBe('v1');
    expect(Buffer.from(iv ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(ciphertext ?? '', 'base64url')).toHaveLength('same secret'.length);
    expect(first).not.toContain('same secret');
  });

  it('refuses to open a value whose ciphertext, tag or IV was altered', () => {
    const [version, iv, tag, ciphertext] = box.seal('channel token 123').split('.') as [string, string, string, string];
    expect(() => box.open([version, iv, tag, flipFirstByte(ciphertext)].join('.'))).toThrow(/altered/);
    expect(() => box.open([version, iv, flipFirstByte(tag), ciphertext].join('.'))).toThrow(/altered/);
    expect(() => box.open([version, flipFirstByte(iv), tag, ciphertext].join('.'))).toThrow(/altered/);
  });

  it('refuses to open a value sealed with another key', () => {
    const other = createSecretBox(randomBytes(32));
    expect(() => box.open(other.seal('secret'))).toThrow(/another SECRET_KEY/);
  });

  it('refuses values not in its format', () => {
    expect(() => box.open('plain text')).toThrow(/format/);
    expect(() => box.open('v2.a.b.c')).toThrow(/format/);
    expect(() => box.open('v1.AAAA.BBBB.CCCC')).toThrow(/wrong length/);
  });

  it('needs a 32-byte key', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(RangeError);
  });
});
