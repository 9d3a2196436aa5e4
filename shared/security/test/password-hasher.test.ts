import { describe, expect, it } from 'vitest';
import { hashPassword, passwordNeedsRehash, verifyPassword } from '../src/index.ts';

describe('password hashing', () => {
  it('hashes with argon2id at the OWASP parameters', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(passwordNeedsRehash(hash)).toBe(false);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapler')).toBe(false);
  });

  it('salts every hash, so the same password hashes differently twice', async () => {
    const [first, second] = await Promise.all([hashPassword('same password here'), hashPassword('same password here')]);
    expect(first).not.toBe(second);
  });

  it('answers false instead of throwing for a hash that is not argon2', async () => {
    expect(await verifyPassword('not-a-hash', 'whatever password')).toBe(false);
    expect(await verifyPassword('', 'whatever password')).toBe(false);
    expect(await verifyPassword('$2b$10$abcdefghijklmnopqrstuv', 'whatever password')).toBe(false);
  });

  it('asks for a rehash of a hash made with weaker parameters or unreadable', () => {
    expect(passwordNeedsRehash('$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI')).toBe(true);
    expect(passwordNeedsRehash('garbage')).toBe(true);
  });
});
