import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKeys, readWidgetFileToken, signWidgetFileToken, type WidgetFileClaims } from '../src/index.ts';

const keys = deriveKeys('a-secret-key-of-at-least-32-characters!');
const now = Date.UTC(2030, 0, 1);
const claims = (overrides: Partial<WidgetFileClaims> = {}): WidgetFileClaims => ({
  tenantId: randomUUID(), messageId: randomUUID(), index: 2, expiresAt: now / 1000 + 3600, ...overrides,
});

/** The token with the character at `position` changed to another base64url character. */
const changeAt = (token: string, position: number) => `${token.slice(0, position)}${token[position] === 'A' ? 'B' : 'A'}${token.slice(position + 1)}`;

describe('widget file link tokens', () => {
  it('reads back the tenant, message, attachment and expiry it was signed with, as a short URL-safe string', () => {
    const signed = claims();
    const token = signWidgetFileToken(keys, signed);
    expect(token).toMatch(/^[A-Za-z0-9_-]{72}$/);
    expect(readWidgetFileToken(keys, token, now)).toEqual({ ok: true, claims: signed });
  });

  it('calls a token with any changed character forged, so no claim can be swapped for another tenant, message or file', () => {
    const token = signWidgetFileToken(keys, claims());
    for (let position = 0; position < token.length; position += 1) {
      const check = readWidgetFileToken(keys, changeAt(token, position), now);
      expect(check.ok, `position ${position}`).toBe(false);
    }
    // Another tenant's claims under the same MAC: the body changed, the MAC did not.
    const mine = claims();
    const theirs = claims({ messageId: mine.messageId, index: mine.index, expiresAt: mine.expiresAt });
    const spliced = `${signWidgetFileToken(keys, theirs).slice(0, 50)}${signWidgetFileToken(keys, mine).slice(50)}`;
    expect(readWidgetFileToken(keys, spliced, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a token signed with another SECRET_KEY as forged', () => {
    const token = signWidgetFileToken(deriveKeys('another-secret-key-of-32-characters!!'), claims());
    expect(readWidgetFileToken(keys, token, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('tells a genuine token past its expiry apart from a forged one', () => {
    const token = signWidgetFileToken(keys, claims({ expiresAt: now / 1000 }));
    expect(readWidgetFileToken(keys, token, now)).toEqual({ ok: false, reason: 'expired' });
    expect(readWidgetFileToken(keys, token, now - 1000).ok).toBe(true);
  });

  it('calls anything else malformed: wrong length, other characters, another version', () => {
    const token = signWidgetFileToken(keys, claims());
    const bytes = Buffer.from(token, 'base64url');
    bytes[0] = 2;
    const nextVersion = bytes.toString('base64url');
    for (const bad of ['', 'x', `${token}A`, token.slice(1), token.replace(/.$/, '='), token.replace(/.$/, '.'), nextVersion]) {
      expect(readWidgetFileToken(keys, bad, now), bad).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses to sign what it could not read back', () => {
    expect(() => signWidgetFileToken(keys, claims({ tenantId: 'not-a-uuid' }))).toThrow(TypeError);
    expect(() => signWidgetFileToken(keys, claims({ index: 256 }))).toThrow(RangeError);
    expect(() => signWidgetFileToken(keys, claims({ expiresAt: 1.5 }))).toThrow(RangeError);
  });
});
